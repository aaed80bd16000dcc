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


@dataclass(frozen=True)
class TreeNode:
    member_id: int
    name: str
    relation: str
    active: bool
    above: tuple[TreeNode, ...]  # who vouched for this voucher, in turn


@dataclass(frozen=True)
class VouchTree:
    received: tuple[TreeNode, ...]  # who vouched for the member, back toward the community's roots
    given: tuple[VouchFor, ...]  # whom the member vouched for


async def vouch_tree(session: AsyncSession, member_id: int, now: datetime, depth: int = 3) -> VouchTree:
    """The member's invite tree, as Lobste.rs shows it: up through their vouchers, down one step."""
    received = await _vouchers(session, member_id, now, depth, {member_id})
    rows = await session.execute(
        select(Vouch, Member.display_name)
        .join(Member, Member.id == Vouch.vouchee_id)
        .where(Vouch.voucher_id == member_id)
        .order_by(Vouch.created_at)
    )
    given = tuple(
        VouchFor(
            name, v.relation.value, v.statement, v.created_at, v.revoked_at is None and v.expires_at > now
        )
        for v, name in rows
    )
    return VouchTree(received, given)


async def _vouchers(
    session: AsyncSession, member_id: int, now: datetime, depth: int, seen: set[int]
) -> tuple[TreeNode, ...]:
    if depth == 0:
        return ()
    rows = await session.execute(
        select(Vouch, Member.display_name)
        .join(Member, Member.id == Vouch.voucher_id)
        .where(Vouch.vouchee_id == member_id)
        .order_by(Vouch.created_at)
    )
    nodes = []
    for vouch, name in rows.all():
        above = (
            ()
            if vouch.voucher_id in seen
            else await _vouchers(session, vouch.voucher_id, now, depth - 1, seen | {vouch.voucher_id})
        )
        active = vouch.revoked_at is None and vouch.expires_at > now
        nodes.append(TreeNode(vouch.voucher_id, name, vouch.relation.value, active, above))
    return tuple(nodes)
