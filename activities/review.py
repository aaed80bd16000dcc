"""Queueing members for an organizer's review, once per open reason. A queue, never a verdict."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.trust.anomaly import TimedVouch, ring_suspects
from models import ReviewItem, ReviewKind, Vouch

# An organizer who cleared a ring flag is not asked again about the same member for this long.
CLEARED_QUIET = timedelta(days=90)


def queue(
    session: Session, member_id: int, kind: ReviewKind, detail: dict[str, object], at: datetime
) -> bool:
    """Open an item unless one is open already; True when a new item was opened."""
    open_key = f"{kind.value}/{member_id}"
    if session.scalar(select(ReviewItem.id).where(ReviewItem.open_key == open_key)) is not None:
        return False
    session.add(ReviewItem(member_id=member_id, kind=kind, detail=detail, created_at=at, open_key=open_key))
    session.flush()
    return True


def queue_level_approval(session: Session, member_id: int, reason: str, at: datetime) -> None:
    queue(session, member_id, ReviewKind.LEVEL_APPROVAL, {"reason": reason}, at)


def queue_ring_suspects(session: Session, vouches: list[Vouch], at: datetime, share: float) -> int:
    timed = [TimedVouch(v.voucher_id, v.vouchee_id, v.created_at.timestamp()) for v in vouches]
    recently_cleared = set(
        session.scalars(
            select(ReviewItem.member_id).where(
                ReviewItem.kind == ReviewKind.RING_PATTERN, ReviewItem.resolved_at >= at - CLEARED_QUIET
            )
        )
    )
    opened = 0
    for suspect in ring_suspects(timed, at.timestamp(), share):
        if suspect.account in recently_cleared:
            continue
        detail = {"score": round(suspect.score, 3), "reasons": list(suspect.reasons)}
        opened += queue(session, suspect.account, ReviewKind.RING_PATTERN, detail, at)
    return opened
