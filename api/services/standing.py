"""Organizer approvals of levels that scores alone never reach."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from api.settings import Settings
from domain.errors import InvalidField, Rejected
from models import Event, Member
from models.base import utcnow


async def approve_level(
    session: AsyncSession, settings: Settings, member: Member, level: str, by: Member
) -> None:
    names = [rule.name for rule in settings.policy.trust.levels]
    if level not in names:
        raise InvalidField("level", f"Unknown level '{level}'; the levels are: {', '.join(names)}.")
    index = names.index(level)
    if not settings.policy.trust.levels[index].needs_approval:
        raise InvalidField("level", f"'{level}' is reached by scores alone and needs no approval.")
    if member.id == by.id:
        raise Rejected("Organizers cannot approve themselves; ask another organizer.")
    if member.suspended:
        raise Rejected("This member is suspended; lift the suspension first.")
    member.approved_level = max(member.approved_level or 0, index)
    session.add(
        Event(
            at=utcnow(),
            actor_id=by.id,
            kind="trust.level_approved",
            subject_type="member",
            subject_id=member.id,
            payload={"level": level},
        )
    )
    await session.commit()
