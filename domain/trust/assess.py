"""One trust recompute over the whole community: metrics from the vouch graph, then each member's level.

Organizers and admins are the seeds (the community's roots). A vouch certifies at a level set by how
the voucher knows the person: an organizer interview counts as Master, working together as
Journeyer, meeting at an event as Apprentice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy.stats import rankdata

from domain.policy import CommunityPolicy
from domain.trust.advogato import Certificate, Level, trust_levels
from domain.trust.levels import Decision, Metric, TrustFacts, evaluate
from domain.trust.rank import rank
from domain.vouching import Relation

CERTIFICATION = {
    Relation.ORGANIZER_INTERVIEW: Level.MASTER,
    Relation.WORKED_TOGETHER: Level.JOURNEYER,
    Relation.MET_AT_EVENT: Level.APPRENTICE,
}


@dataclass(frozen=True)
class MemberFacts:
    member_id: int
    signed_up_at: datetime
    chapter_id: int | None
    is_root: bool
    level: int
    warned_at: datetime | None = None
    approved_for: frozenset[str] = frozenset()
    contributions: int = 0
    activity: float = 0.0
    suspended: bool = False


@dataclass(frozen=True)
class VouchEdge:
    voucher_id: int
    vouchee_id: int
    relation: Relation


@dataclass(frozen=True)
class Assessment:
    member_id: int
    advogato_level: int
    rank_score: float
    rank_percentile: float
    decision: Decision


def assess(
    members: Sequence[MemberFacts], vouches: Sequence[VouchEdge], policy: CommunityPolicy, now: datetime
) -> list[Assessment]:
    # A suspended member's vouches, given or received, carry no weight while the suspension lasts.
    by_id = {m.member_id: m for m in members if not m.suspended}
    live = [
        v for v in vouches if v.voucher_id in by_id and v.vouchee_id in by_id and v.voucher_id != v.vouchee_id
    ]
    seeds = [str(m.member_id) for m in members if m.is_root and not m.suspended]
    advogato, scores = _metrics(live, seeds)
    ids = [m.member_id for m in members]
    raw = np.array([scores.get(str(i), 0.0) for i in ids])
    percentiles = rankdata(raw, method="max") / max(len(ids), 1) * 100 if len(ids) else raw
    received: dict[int, list[VouchEdge]] = {}
    for vouch in live:
        received.setdefault(vouch.vouchee_id, []).append(vouch)
    results = []
    for member, score, percentile in zip(members, raw, percentiles, strict=True):
        theirs = received.get(member.member_id, [])
        chapters = {by_id[v.voucher_id].chapter_id or f"unaffiliated-{v.voucher_id}" for v in theirs}
        values = {
            Metric.VOUCHES: len(theirs),
            Metric.VOUCH_CHAPTERS: len(chapters),
            Metric.ACCOUNT_AGE_DAYS: (now - member.signed_up_at).days,
            Metric.ADVOGATO_LEVEL: advogato.get(str(member.member_id), 0),
            Metric.RANK_PERCENTILE: float(percentile) if score > 0 else 0.0,
            Metric.CONTRIBUTIONS: member.contributions,
            Metric.ACTIVITY: member.activity,
        }
        facts = TrustFacts(
            values, member.level, now, member.approved_for, member.warned_at, suspended=member.suspended
        )
        results.append(
            Assessment(
                member.member_id,
                int(values[Metric.ADVOGATO_LEVEL]),
                float(score),
                float(values[Metric.RANK_PERCENTILE]),
                evaluate(facts, policy.trust),
            )
        )
    return results


def _metrics(vouches: Sequence[VouchEdge], seeds: list[str]) -> tuple[dict[str, int], dict[str, float]]:
    if not seeds or not vouches:
        return {}, {}
    named = {v.voucher_id for v in vouches} | {v.vouchee_id for v in vouches}
    present = [s for s in seeds if int(s) in named]
    if not present:
        return {}, {}
    certificates = [
        Certificate(str(v.voucher_id), str(v.vouchee_id), CERTIFICATION[v.relation]) for v in vouches
    ]
    levels = {name: int(level) for name, level in trust_levels(certificates, present).items()}
    edges = [(str(v.voucher_id), str(v.vouchee_id), float(CERTIFICATION[v.relation])) for v in vouches]
    return levels, dict(rank(edges, present))
