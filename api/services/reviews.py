"""The organizer review queue: open items with who and why, and resolving them with a note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict, NotFound
from models import Member, ReviewItem, ReviewKind, ReviewOutcome
from models.base import utcnow

EXPLAINED = {
    ReviewKind.SHARED_VOUCHER: "Someone who vouched for them also vouched for a member now suspended.",
    ReviewKind.RING_PATTERN: "Their vouches look like a ring of accounts vouching for each other.",
    ReviewKind.LEVEL_APPROVAL: "Their scores qualify them for a level that needs an organizer's approval.",
}


@dataclass(frozen=True)
class OpenItem:
    id: int
    member_id: int
    member_name: str
    kind: ReviewKind
    why: str
    detail: dict[str, Any]
    created_at: datetime


async def open_items(session: AsyncSession) -> list[OpenItem]:
    rows = await session.execute(
        select(ReviewItem, Member.display_name)
        .join(Member, Member.id == ReviewItem.member_id)
        .where(ReviewItem.resolved_at.is_(None))
        .order_by(ReviewItem.created_at, ReviewItem.id)
    )
    return [
        OpenItem(i.id, i.member_id, name, i.kind, EXPLAINED[i.kind], i.detail, i.created_at)
        for i, name in rows
    ]


async def get_open(session: AsyncSession, item_id: int) -> ReviewItem:
    item = await session.get(ReviewItem, item_id)
    if item is None:
        raise NotFound(f"Review item {item_id} does not exist.")
    if item.resolved_at is not None:
        raise Conflict(f"Review item {item_id} was already resolved ({item.outcome}).")
    return item


async def resolve(
    session: AsyncSession, item: ReviewItem, organizer: Member, outcome: ReviewOutcome, note: str
) -> None:
    """Close the item; the caller has already carried out what the outcome says (suspend, approve)."""
    item.resolved_at, item.resolved_by_id = utcnow(), organizer.id
    item.outcome, item.note, item.open_key = outcome, note.strip()[:500] or None, None
    await session.commit()
