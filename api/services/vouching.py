"""Vouching as the web app does it: the voucher's facts come from the server, never from the request."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas import VouchBody
from api.settings import Settings
from domain.roles import ORGANIZERS
from domain.vouching import VoucherFacts, VouchRequest
from models import Member, Vouch
from models.base import utcnow


async def request_from(
    session: AsyncSession, settings: Settings, voucher: Member, body: VouchBody
) -> VouchRequest:
    policy = settings.policy
    now = utcnow()
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
    names = tuple(rule.name for rule in policy.trust.levels)
    facts = VoucherFacts(voucher.id, level, names[level], age, int(used or 0), 0, voucher.chapter_id)
    return VouchRequest(facts, body.statement, body.relation, policy.vouching, names)
