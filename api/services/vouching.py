"""Vouching as the web app does it: the voucher's facts come from the server, never from the request."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas import VouchBody
from api.settings import Settings
from domain import vouching
from domain.roles import ORGANIZERS
from domain.vouching import VoucherFacts, VouchRequest
from models import Member, Vouch, VouchPenalty
from models.base import utcnow


async def penalties(session: AsyncSession, voucher_id: int) -> list[vouching.Penalty]:
    rows = await session.scalars(
        select(VouchPenalty).where(VouchPenalty.voucher_id == voucher_id, VouchPenalty.lifted_at.is_(None))
    )
    return [vouching.Penalty(p.points, p.created_at) for p in rows]


async def request_from(
    session: AsyncSession, settings: Settings, voucher: Member, body: VouchBody
) -> VouchRequest:
    policy = settings.policy
    facts = await voucher_facts(session, settings, voucher, utcnow())
    return VouchRequest(facts, body.statement, body.relation, policy.vouching, level_names(settings))


def level_names(settings: Settings) -> tuple[str, ...]:
    return tuple(rule.name for rule in settings.policy.trust.levels)


async def voucher_facts(
    session: AsyncSession, settings: Settings, voucher: Member, now: datetime
) -> VoucherFacts:
    policy = settings.policy
    used = await session.scalar(
        select(func.count(Vouch.id)).where(
            Vouch.voucher_id == voucher.id, Vouch.created_at >= now - timedelta(days=30)
        )
    )
    level, age = voucher.trust_level, (now - voucher.signed_up_at).days
    if voucher.role in ORGANIZERS:
        # Organizers are the roots a new community grows from: they may vouch from day one.
        level = max(level, policy.vouching.min_voucher_level)
        age = max(age, policy.vouching.min_voucher_age_days)
    names = level_names(settings)
    lost = vouching.penalty(await penalties(session, voucher.id), now)
    return VoucherFacts(
        voucher.id,
        level,
        names[min(level, len(names) - 1)],
        age,
        int(used or 0),
        lost,
        voucher.chapter_id,
        voucher.suspended,
    )
