"""The trust recompute activity: assess the whole community once, record every score, apply level changes."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from activities import ledger, review
from activities.contracts import LevelChange, RecomputeResult, RecomputeTrust
from domain import contributions
from domain.access import Permission
from domain.contributions import ActivitySignals
from domain.policy import CommunityPolicy
from domain.roles import ORGANIZERS
from domain.trust.assess import Assessment, MemberFacts, VouchEdge, assess
from domain.trust.levels import Action
from models import AccessGrant, Event, GrantStatus, Member, MemberStatus, TrustScore, Vouch

OPEN_GRANTS = (GrantStatus.INVITED, GrantStatus.ACTIVE, GrantStatus.WARNED)


class TrustStore:
    def __init__(self, sessions: sessionmaker[Session], policy: CommunityPolicy) -> None:
        self._sessions = sessions
        self._policy = policy

    @activity.defn
    def recompute_trust(self, req: RecomputeTrust) -> RecomputeResult:
        with self._sessions.begin() as session:
            if session.scalar(select(TrustScore.id).where(TrustScore.run_id == req.run_id).limit(1)):
                return _earlier_result(session, req.run_id)
            members = {m.id: m for m in session.scalars(select(Member))}
            active = list(
                session.scalars(select(Vouch).where(Vouch.revoked_at.is_(None), Vouch.expires_at > req.at))
            )
            work = _activity_signals(session, req.at)
            names = tuple(rule.name for rule in self._policy.trust.levels)
            assessments = assess(
                [_facts(m, names, work.get(m.id)) for m in members.values()],
                [VouchEdge(v.voucher_id, v.vouchee_id, v.relation) for v in active],
                self._policy,
                req.at,
            )
            changes = [c for a in assessments if (c := self._record(session, req, members[a.member_id], a))]
            review.queue_ring_suspects(session, active, req.at, self._policy.vouching.ring_review_share)
            return RecomputeResult(len(assessments), changes, _dormant_grants(session))

    def _record(
        self, session: Session, req: RecomputeTrust, member: Member, a: Assessment
    ) -> LevelChange | None:
        decision = a.decision
        session.add(
            TrustScore(
                run_id=req.run_id,
                member_id=member.id,
                computed_at=req.at,
                advogato_level=a.advogato_level,
                rank_score=a.rank_score,
                rank_percentile=a.rank_percentile,
                level=decision.level,
                action=decision.action.value,
                reason=decision.reason[:500],
                checklist={
                    "holding": [r.__dict__ for r in decision.holding],
                    "missing": [r.__dict__ for r in decision.missing],
                    "next_level": decision.next_level,
                },
            )
        )
        if decision.action is Action.AWAIT_APPROVAL:
            review.queue_level_approval(session, member.id, decision.reason, req.at)
        if decision.action is Action.WARN and member.trust_warned_at is None:
            member.trust_warned_at = req.at
        elif decision.action is not Action.WARN:
            member.trust_warned_at = None
        if decision.level == member.trust_level:
            return None
        names = [rule.name for rule in self._policy.trust.levels]
        open_grants = session.scalars(
            select(AccessGrant.workflow_id).where(
                AccessGrant.member_id == member.id, AccessGrant.status.in_(OPEN_GRANTS)
            )
        )
        change = LevelChange(
            member.id, member.trust_level, decision.level, decision.action.value, sorted(set(open_grants))
        )
        ledger.append(
            session,
            key=f"{req.run_id}/{member.id}",
            kind="trust.level_changed",
            subject_id=member.id,
            at=req.at,
            payload={
                "from": names[change.old],
                "to": names[change.new],
                "old": change.old,
                "new": change.new,
                "action": change.action,
                "reason": decision.reason,
                "grants": change.grant_workflow_ids,
            },
        )
        member.trust_level = decision.level
        return change


def _facts(member: Member, names: tuple[str, ...], work: ActivitySignals | None) -> MemberFacts:
    return MemberFacts(
        member.id,
        member.signed_up_at,
        member.chapter_id,
        member.role in ORGANIZERS,
        min(member.trust_level, len(names) - 1),
        member.trust_warned_at,
        approved_for=frozenset(names[1 : (member.approved_level or 0) + 1]),
        contributions=work.contributions if work else 0,
        activity=work.activity if work else 0.0,
        suspended=member.suspended,
    )


def _activity_signals(session: Session, now: datetime) -> dict[int, ActivitySignals]:
    rows = session.execute(
        select(Event.subject_id, Event.kind, Event.at).where(
            Event.kind.startswith(contributions.LEDGER_PREFIX), Event.subject_type == "member"
        )
    )
    by_member: dict[int, list[contributions.Contribution]] = defaultdict(list)
    for member_id, kind, at in rows:
        if (known := contributions.kind_of(kind)) is not None:
            by_member[member_id].append(contributions.Contribution(known, at))
    return {m: contributions.signals(found, now) for m, found in by_member.items()}


def _dormant_grants(session: Session) -> list[str]:
    query = (
        select(AccessGrant.workflow_id)
        .join(Member, Member.id == AccessGrant.member_id)
        .where(
            Member.status == MemberStatus.DORMANT,
            AccessGrant.status == GrantStatus.ACTIVE,
            AccessGrant.permission != Permission.READ,
        )
    )
    return sorted(set(session.scalars(query)))


def _earlier_result(session: Session, run_id: str) -> RecomputeResult:
    """A retried run returns what the first attempt recorded, and writes nothing again."""
    count = len(session.scalars(select(TrustScore.id).where(TrustScore.run_id == run_id)).all())
    events = session.scalars(select(Event).where(Event.idempotency_key.startswith(f"{run_id}/")))
    changes = [
        LevelChange(
            e.subject_id, e.payload["old"], e.payload["new"], e.payload["action"], e.payload.get("grants", [])
        )
        for e in events
    ]
    return RecomputeResult(count, changes)
