"""The reconciler's record: the access the grants want on each target, and the drift reports with what
was fixed. GitHub is read and changed through GitHubActivities. One transaction per call."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.access import AccessPolicy
from domain.reconcile import DESIRED_STATUSES, Desired, DriftReport, Fix
from models import AccessGrant, GrantStatus, Member
from models.drift import DriftRecord

REPORT = TypeAdapter(DriftReport)
FIXES = TypeAdapter(tuple[Fix, ...])


@dataclass(frozen=True)
class DesiredRequest:
    """Every target of the policy; a field may narrow it later."""


@dataclass(frozen=True)
class TargetWish:
    target_kind: str
    target: str
    desired: tuple[Desired, ...]


@dataclass(frozen=True)
class DesiredAccess:
    targets: tuple[TargetWish, ...]


@dataclass(frozen=True)
class ReportRequest:
    report_id: int


@dataclass(frozen=True)
class DriftToRecord:
    """A report, keyed by workflow run; recorded again with `fixes` once a confirmed plan is applied."""

    key: str
    found_at: datetime
    report: DriftReport
    confirms_id: int | None = None
    confirmed_by_id: int | None = None
    fixes: tuple[Fix, ...] = ()
    fixed_at: datetime | None = None


class ReconcileStore:
    def __init__(self, sessions: sessionmaker[Session], policy: AccessPolicy) -> None:
        self._sessions = sessions
        self._policy = policy

    @activity.defn
    def desired_access(self, req: DesiredRequest) -> DesiredAccess:
        query = (
            select(
                AccessGrant.target_kind,
                AccessGrant.target,
                AccessGrant.permission,
                AccessGrant.status,
                Member.github_login,
            )
            .join(Member, Member.id == AccessGrant.member_id)
            .where(AccessGrant.status.in_([GrantStatus(s) for s in DESIRED_STATUSES]))
            .order_by(AccessGrant.id)
        )
        wanted: dict[tuple[str, str], list[Desired]] = defaultdict(list)
        with self._sessions() as session:
            for kind, target, permission, status, login in session.execute(query):
                if login:
                    wanted[kind.value, target].append(Desired(login, permission.value, status.value))
        return DesiredAccess(
            tuple(
                TargetWish(t.kind.value, t.name, tuple(wanted[t.kind.value, t.name]))
                for t in self._policy.targets
            )
        )

    @activity.defn
    def drift_report(self, req: ReportRequest) -> DriftReport:
        with self._sessions() as session:
            record = session.get(DriftRecord, req.report_id)
            if record is None:
                raise ApplicationError(
                    f"There is no drift report {req.report_id}.", type="NotFound", non_retryable=True
                )
            return REPORT.validate_python(record.report)

    @activity.defn
    def record_drift(self, req: DriftToRecord) -> int:
        with self._sessions.begin() as session:
            record = session.scalar(select(DriftRecord).where(DriftRecord.key == req.key))
            if record is None:
                record = DriftRecord(key=req.key, found_at=req.found_at)
                session.add(record)
            record.dry_run = req.report.dry_run
            record.findings = req.report.findings
            record.allowed = len(req.report.allowed)
            record.report = REPORT.dump_python(req.report, mode="json")
            record.confirms_id, record.confirmed_by_id = req.confirms_id, req.confirmed_by_id
            record.fixes = FIXES.dump_python(req.fixes, mode="json")
            record.fixed_at = req.fixed_at
            session.flush()
            return record.id
