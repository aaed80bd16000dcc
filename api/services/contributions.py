"""Recording contributions into the ledger: the second axis of trust, and later of retention."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas import ContributionIn
from domain.errors import Conflict, InvalidField
from models import Event, Member
from models.base import utcnow


async def record(session: AsyncSession, member: Member, body: ContributionIn, recorded_by: Member) -> Event:
    """Append one contribution; an external id turns a resend into a conflict instead of a copy."""
    at = body.at or utcnow()
    if at > utcnow():
        raise InvalidField("at", "A contribution cannot be in the future.")
    if body.counterpart_id is not None and (
        body.counterpart_id == member.id or await session.get(Member, body.counterpart_id) is None
    ):
        raise InvalidField("counterpart_id", f"Member {body.counterpart_id} is not another member.")
    payload: dict[str, object] = {"recorded_by": recorded_by.id}
    if body.ref:
        payload["ref"] = body.ref
    if body.counterpart_id is not None:
        payload["counterpart_id"] = body.counterpart_id
    event = Event(
        kind=body.kind.ledger_kind,
        subject_type="member",
        subject_id=member.id,
        actor_id=member.id,
        at=at,
        payload=payload,
        idempotency_key=f"contribution/{body.external_id}" if body.external_id else None,
    )
    session.add(event)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise Conflict(f"Contribution '{body.external_id}' was recorded before.") from exc
    return event
