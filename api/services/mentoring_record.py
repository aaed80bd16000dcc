"""A member's mentorships as organizers see them on the member's record: each pairing, what both sides said
at its check-ins, and their feedback when it ended."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from api.services.mentoring import CheckInSaid, answered_check_ins, pairings_with_names


@dataclass(frozen=True)
class MentorshipRecord:
    id: int
    side: str  # the member's: "mentor" or "mentee"
    other_id: int
    other_name: str
    status: str
    check_ins: tuple[CheckInSaid, ...]
    mentor_feedback: str | None
    mentee_feedback: str | None


async def mentorships_of(session: AsyncSession, member_id: int) -> list[MentorshipRecord]:
    pairings, names = await pairings_with_names(session, member_id)
    said = await answered_check_ins(session, [p.id for p in pairings])
    records = []
    for p in pairings:
        side, other = ("mentor", p.mentee_id) if p.mentor_id == member_id else ("mentee", p.mentor_id)
        records.append(
            MentorshipRecord(
                p.id,
                side,
                other,
                names.get(other, ""),
                p.status.value,
                tuple(c for c in said if c.mentorship_id == p.id),
                p.mentor_feedback,
                p.mentee_feedback,
            )
        )
    return records
