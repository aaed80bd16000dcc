"""Recording verified GitHub deliveries in the ledger: contributions for members (or for the unclaimed
identity behind an unknown login) and suspected access drift for reconciliation to look at."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from api.services import identities
from domain.github_events import ContributionSeen, DriftSuspected
from models import Event
from models.base import utcnow

DRIFT_SUSPECTED = "github.drift_suspected"


class Result(enum.StrEnum):
    RECORDED = "recorded"
    REPLAYED = "replayed"  # this delivery id was recorded before
    ALREADY_RECORDED = "already recorded"  # the same work arrived in another delivery (a second hook)


@dataclass(frozen=True)
class Outcome:
    result: Result
    event_kind: str


def delivery_key(delivery_id: str) -> str:
    return f"github-delivery/{delivery_id}"


async def record(session: AsyncSession, delivery_id: str, seen: ContributionSeen | DriftSuspected) -> Outcome:
    """Append the delivery's event once; the caller commits."""
    try:
        return await _record_once(session, delivery_id, seen)
    except IntegrityError:
        # A concurrent delivery wrote the same event or identity first; looking again finds it.
        await session.rollback()
        return await _record_once(session, delivery_id, seen)


async def _record_once(
    session: AsyncSession, delivery_id: str, seen: ContributionSeen | DriftSuspected
) -> Outcome:
    key = seen.idempotency_key if isinstance(seen, ContributionSeen) else delivery_key(delivery_id)
    if (earlier := await session.scalar(select(Event).where(Event.idempotency_key == key))) is not None:
        replayed = earlier.payload.get("delivery") == delivery_id
        return Outcome(Result.REPLAYED if replayed else Result.ALREADY_RECORDED, earlier.kind)
    event = await session.run_sync(append, delivery_id, key, seen)
    return Outcome(Result.RECORDED, event.kind)


def append(session: Session, delivery_id: str, key: str, seen: ContributionSeen | DriftSuspected) -> Event:
    if isinstance(seen, DriftSuspected):
        event = Event(
            at=utcnow(),
            kind=DRIFT_SUSPECTED,
            subject_type="github",
            subject_id=0,
            payload={
                "event": seen.event,
                "action": seen.action,
                "target": seen.target,
                "login": seen.login,
                "repository": seen.repository,
                "delivery": delivery_id,
            },
            idempotency_key=key,
        )
    else:
        event = _contribution(session, delivery_id, key, seen)
    session.add(event)
    session.flush()
    return event


def _contribution(session: Session, delivery_id: str, key: str, seen: ContributionSeen) -> Event:
    member = identities.member_by_github_login(session, seen.login)
    subject = identities.subject_for(session, identities.GITHUB, seen.login, member.id if member else None)
    payload: dict[str, object] = {"ref": seen.ref, "source": "github", "delivery": delivery_id}
    counterpart = (
        identities.member_by_github_login(session, seen.counterpart_login) if seen.counterpart_login else None
    )
    if counterpart is not None and counterpart.id != subject.member_id:
        payload["counterpart_id"] = counterpart.id
    now = utcnow()
    return Event(
        at=min(seen.at, now) if seen.at else now,  # a clock ahead of ours must not date work in the future
        actor_id=subject.member_id,
        kind=seen.kind.ledger_kind,
        subject_type=subject.type,
        subject_id=subject.id,
        payload=payload,
        idempotency_key=key,
    )
