"""Reading a member's trust: the latest scored decision, and who vouched for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Member, TrustScore, Vouch


@dataclass(frozen=True)
class VouchFor:
    voucher_name: str
    relation: str
    statement: str
    at: datetime
    active: bool


async def latest_score(session: AsyncSession, member_id: int) -> TrustScore | None:
    query = (
        select(TrustScore)
        .where(TrustScore.member_id == member_id)
        .order_by(TrustScore.computed_at.desc(), TrustScore.id.desc())
        .limit(1)
    )
    return await session.scalar(query)


async def vouches_for(session: AsyncSession, member_id: int, now: datetime) -> list[VouchFor]:
    query = (
        select(Vouch, Member.display_name)
        .join(Member, Member.id == Vouch.voucher_id)
        .where(Vouch.vouchee_id == member_id)
        .order_by(Vouch.created_at)
    )
    rows = await session.execute(query)
    return [
        VouchFor(
            name,
            vouch.relation.value,
            vouch.statement,
            vouch.created_at,
            vouch.revoked_at is None and vouch.expires_at > now,
        )
        for vouch, name in rows
    ]
