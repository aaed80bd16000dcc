"""The grant record: open it with the policy's decision and the trust evidence, record each change once,
recheck trust, and tell the right people. One transaction per call."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import ledger
from activities.access_contracts import (
    AccessNotice,
    GrantEvent,
    GrantOpened,
    GrantTiming,
    OpenGrant,
    RecheckGrant,
)
from activities.mail import Mailer
from activities.store import get_member
from domain import access, grants
from domain.access import MemberAccessFacts, Permission, Target
from domain.policy import CommunityPolicy
from domain.roles import Role
from models import AccessGrant, GrantStatus, Member, MemberStatus, Project, TrustScore

# Who hears about each notice: the member, the target's maintainers, or the organizers.
TO_MAINTAINERS, TO_ORGANIZERS = {"approval_reminder"}, {"approval_escalation"}


class GrantStore:
    def __init__(self, sessions: sessionmaker[Session], policy: CommunityPolicy, mailer: Mailer) -> None:
        self._sessions = sessions
        self._policy = policy
        self._mailer = mailer

    @activity.defn
    def open_grant(self, req: OpenGrant) -> GrantOpened:
        target = self._target(req.target_key)
        with self._sessions.begin() as session:
            member = get_member(session, req.member_id)
            decision = access.decide(self._facts(member), target, Permission(req.permission))
            grant = session.scalar(
                select(AccessGrant).where(
                    AccessGrant.workflow_id == req.workflow_id, AccessGrant.run_number == req.run_number
                )
            )
            if grant is None:
                status = (
                    GrantStatus.REFUSED
                    if not decision.allowed
                    else GrantStatus.AWAITING_APPROVAL
                    if decision.approvals_needed
                    else GrantStatus.APPLYING
                )
                session.add(
                    AccessGrant(
                        workflow_id=req.workflow_id,
                        run_number=req.run_number,
                        member_id=member.id,
                        target_kind=target.kind,
                        target=target.name,
                        permission=Permission(req.permission),
                        status=status,
                        reason=decision.reason,
                        requested_by_id=req.requested_by_id,
                        requested_at=req.at,
                        evidence=_evidence(session, member, self._level_names),
                    )
                )
                ledger.append(
                    session,
                    key=f"{req.workflow_id}/{req.run_number}/requested",
                    kind="access.requested",
                    subject_id=member.id,
                    actor_id=req.requested_by_id,
                    at=req.at,
                    payload={"target": req.target_key, "permission": req.permission, "status": status.value},
                )
            policy = self._policy.access
            timing = GrantTiming(
                policy.approval_reminder_days,
                policy.approval_escalation_days,
                policy.approval_expiry_days,
                policy.invitation_wait_days,
                policy.grant_days,
                policy.renewal_notice_days,
                policy.downgrade_grace_days,
            )
            name = (
                f"sandbox-{member.github_login or member.id}".lower()
                if target.kind.value == "sandbox"
                else target.name
            )
            return GrantOpened(
                decision.allowed,
                decision.reason,
                decision.approvals_needed,
                target.kind.value,
                name,
                member.github_login,
                timing,
            )

    @activity.defn
    def record_grant(self, req: GrantEvent) -> None:
        with self._sessions.begin() as session:
            if ledger.already_recorded(session, req.key):
                return
            grant = _grant(session, req.workflow_id, req.run_number)
            status = GrantStatus(req.status)
            grant.status, grant.reason = status, req.reason[:500]
            grant.approvals = [{"by": a} for a in req.approvals]
            if req.permission is not None:  # lowered: the matrix and the reconcile job read it from here
                grant.permission = Permission(req.permission)
            if req.actor_id is not None:
                grant.decided_by_id = req.actor_id
            if status is GrantStatus.ACTIVE:
                grant.active_since = grant.active_since or req.at
                grant.expires_at = req.expires_at or grant.expires_at
            if status in (
                GrantStatus.REVOKED,
                GrantStatus.LAPSED,
                GrantStatus.DENIED,
                GrantStatus.EXPIRED_UNAPPROVED,
            ):
                grant.ended_at = req.at
            ledger.append(
                session,
                key=req.key,
                kind=f"access.{status.value}",
                subject_id=grant.member_id,
                actor_id=req.actor_id,
                at=req.at,
                payload={
                    "grant_id": grant.id,
                    "target": f"{grant.target_kind.value}-{grant.target}",
                    "permission": grant.permission.value,
                    "reason": req.reason,
                },
            )

    @activity.defn
    def recheck_grant(self, req: RecheckGrant) -> str:
        with self._sessions.begin() as session:
            member = get_member(session, req.member_id)
            permission = Permission(req.permission)
            if not access.still_allowed(self._facts(member), self._target(req.target_key), permission):
                return grants.REMOVE
            if member.status is MemberStatus.DORMANT and permission.rank > Permission.READ.rank:
                return grants.LOWER_TO_READ
            return grants.KEEP

    @activity.defn
    def send_access_notice(self, req: AccessNotice) -> None:
        with self._sessions.begin() as session:
            if ledger.already_recorded(session, req.key):
                return
            grant = _grant(session, req.workflow_id, req.run_number)
            member = get_member(session, grant.member_id)
            if req.kind in TO_MAINTAINERS:
                recipients = self._maintainers(session, grant)
            elif req.kind in TO_ORGANIZERS:
                recipients = list(
                    session.scalars(select(Member).where(Member.role.in_([Role.ORGANIZER, Role.ADMIN])))
                )
            else:
                recipients = [member]
            if recipients:
                self._mailer.deliver(
                    "access",
                    [r.email for r in recipients],
                    req.key,
                    member=member,
                    grant=grant,
                    kind=req.kind,
                )
            ledger.append(
                session,
                key=req.key,
                kind=f"mail.access_{req.kind}_sent",
                subject_id=member.id,
                at=req.at,
                payload={"grant_id": grant.id, "to": [r.id for r in recipients]},
            )

    @property
    def _level_names(self) -> tuple[str, ...]:
        return tuple(rule.name for rule in self._policy.trust.levels)

    def _facts(self, member: Member) -> MemberAccessFacts:
        names = self._level_names
        level = min(member.trust_level, len(names) - 1)
        return MemberAccessFacts(member.id, member.github_login, level, names[level], member.suspended, names)

    def _target(self, key: str) -> Target:
        target = self._policy.access.target(key)
        if target is None:
            known = ", ".join(t.key for t in self._policy.access.targets)
            raise ApplicationError(
                f"No access target '{key}'; the policy has: {known}", type="NotFound", non_retryable=True
            )
        return target

    def _maintainers(self, session: Session, grant: AccessGrant) -> list[Member]:
        target = self._target(f"{grant.target_kind.value}-{grant.target}")
        found = {
            m.id: m
            for p in session.scalars(select(Project))
            if access.project_covers(p.repositories, self._policy.access.org, target)
            for m in p.maintainers
        }
        for admin in session.scalars(select(Member).where(Member.role == Role.ADMIN)):
            found.setdefault(admin.id, admin)
        return [m for m in found.values() if m.id != grant.member_id]


def _grant(session: Session, workflow_id: str, run_number: int) -> AccessGrant:
    grant = session.scalar(
        select(AccessGrant).where(
            AccessGrant.workflow_id == workflow_id, AccessGrant.run_number == run_number
        )
    )
    if grant is None:
        raise ApplicationError(
            f"No grant record for {workflow_id} run {run_number}", type="NotFound", non_retryable=True
        )
    return grant


def _evidence(session: Session, member: Member, names: tuple[str, ...]) -> dict[str, Any]:
    score = session.scalar(
        select(TrustScore)
        .where(TrustScore.member_id == member.id)
        .order_by(TrustScore.computed_at.desc())
        .limit(1)
    )
    level = names[min(member.trust_level, len(names) - 1)]
    if score is None:
        return {"level": level}
    return {
        "level": level,
        "score_run": score.run_id,
        "rank_percentile": score.rank_percentile,
        "advogato_level": score.advogato_level,
        "reason": score.reason,
    }
