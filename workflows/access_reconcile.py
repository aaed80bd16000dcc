"""AccessReconcile: compare each target's holders on GitHub with the grants, record the drift report, and
apply a report's allowed fixes only when an organizer confirmed it. Runs on a Temporal Schedule."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities import access_contracts as gh
    from activities.access_contracts import GitHubAccess, TargetRef
    from activities.reconcile import DesiredRequest, DriftToRecord, ReconcileStore, ReportRequest, TargetWish
    from domain import reconcile
    from domain.access import TargetKind
    from domain.reconcile import Action, DriftReport, Fix, Held, PlanItem, Rails, TargetDrift

SCHEDULE_ID = "access-reconcile"
EVERY = timedelta(hours=6)
DATABASE_CALL = timedelta(seconds=30)
# Shorter than AccessGrant's day of retries: the next scheduled run reads everything again anyway.
GITHUB_CALL = timedelta(minutes=30)
GITHUB_RETRY = RetryPolicy(initial_interval=timedelta(seconds=2), maximum_interval=timedelta(minutes=5))


def fix_workflow_id(prefix: str, report_id: int) -> str:
    return f"{prefix}{SCHEDULE_ID}-fix-{report_id}"


@dataclass(frozen=True)
class ReconcileInput:
    confirm: bool = False  # apply the allowed fixes of `report_id`, which an organizer confirmed
    report_id: int | None = None
    confirmed_by_id: int | None = None
    rails: Rails = field(
        default_factory=Rails
    )  # for a dry run; a confirmed run keeps the rails of the report it confirms


@dataclass(frozen=True)
class ReconcileResult:
    report_id: int
    findings: int
    applied: int = 0


@workflow.defn
class AccessReconcile:
    @workflow.run
    async def run(self, inp: ReconcileInput) -> ReconcileResult:
        confirmed = await self._confirmed(inp)
        rails = confirmed.rails if confirmed else inp.rails
        wishes = await workflow.execute_activity_method(
            ReconcileStore.desired_access, DesiredRequest(), start_to_close_timeout=DATABASE_CALL
        )
        targets = [await self._drift(t, rails) for t in wishes.targets if t.target_kind != TargetKind.SANDBOX]
        report = DriftReport(tuple(targets), rails, dry_run=confirmed is None)
        info = workflow.info()
        record = DriftToRecord(f"{info.workflow_id}/{info.run_id}", workflow.now(), report)
        if confirmed is None:
            return ReconcileResult(await self._record(record), report.findings)

        record = replace(record, confirms_id=inp.report_id, confirmed_by_id=inp.confirmed_by_id)
        report_id = await self._record(record)
        to_apply, skipped = reconcile.confirmed_fixes(confirmed, report)
        fixes = [await self._fix(item) for item in to_apply]
        await self._record(replace(record, fixes=tuple(fixes + skipped), fixed_at=workflow.now()))
        return ReconcileResult(report_id, report.findings, sum(f.done for f in fixes))

    async def _confirmed(self, inp: ReconcileInput) -> DriftReport | None:
        if not inp.confirm:
            return None
        if inp.report_id is None:
            raise ApplicationError(
                "Confirm a specific drift report: report_id is missing.", non_retryable=True
            )
        confirmed = await workflow.execute_activity_method(
            ReconcileStore.drift_report, ReportRequest(inp.report_id), start_to_close_timeout=DATABASE_CALL
        )
        if not confirmed.dry_run:
            raise ApplicationError(
                f"Report {inp.report_id} records a fix already; confirm a dry-run report.", non_retryable=True
            )
        return confirmed

    async def _drift(self, wish: TargetWish, rails: Rails) -> TargetDrift:
        try:
            holders = await workflow.execute_activity(
                gh.list_github_holders,
                TargetRef(wish.target_kind, wish.target),
                start_to_close_timeout=timedelta(minutes=2),
                schedule_to_close_timeout=GITHUB_CALL,
                retry_policy=GITHUB_RETRY,
            )
        except ActivityError as error:
            return reconcile.unreadable(wish.target_kind, wish.target, _reason(error))
        held = [Held(h.login, h.permission, h.state) for h in holders]
        return reconcile.drift(wish.target_kind, wish.target, list(wish.desired), held, rails)

    async def _fix(self, item: PlanItem) -> Fix:
        call = gh.remove_github_access if item.action is Action.REMOVE else gh.apply_github_access
        access = GitHubAccess(item.target_kind, item.target, item.login, item.permission or "")
        try:
            state = await workflow.execute_activity(
                call,
                access,
                start_to_close_timeout=timedelta(minutes=2),
                schedule_to_close_timeout=GITHUB_CALL,
                retry_policy=GITHUB_RETRY,
            )
        except ActivityError as error:
            return Fix(item, False, f"Failed: {_reason(error)}")
        shown = "no access" if state.state == "none" else f"{state.state} {state.permission}"
        return Fix(item, True, f"Done: GitHub shows {shown}.")

    async def _record(self, record: DriftToRecord) -> int:
        return await workflow.execute_activity_method(
            ReconcileStore.record_drift, record, start_to_close_timeout=DATABASE_CALL
        )


def _reason(error: ActivityError) -> str:
    return str(error.cause or error)
