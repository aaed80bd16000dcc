"""Drift reports as the web app sees them: the latest one, and confirming its fixes through AccessReconcile.
Also the reconcile schedule, created once at worker start."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from api import schedules
from api.settings import Settings
from domain.errors import Conflict, NotFound, Rejected
from models import Member
from models.drift import DriftRecord
from workflows.access_reconcile import EVERY, SCHEDULE_ID, AccessReconcile, ReconcileInput, fix_workflow_id

ON_CHANGE_DELAY = timedelta(minutes=1)


async def ensure_schedule(client: Client, settings: Settings) -> None:
    await schedules.ensure_schedule(
        client, settings, SCHEDULE_ID, AccessReconcile.run, ReconcileInput(), EVERY
    )


async def get(session: AsyncSession, report_id: int) -> DriftRecord:
    record = await session.get(DriftRecord, report_id)
    if record is None:
        raise NotFound(f"There is no drift report {report_id}.")
    return record


async def latest(session: AsyncSession) -> dict[str, Any]:
    """The newest report with its plan, and the run that fixed it if one did: one context for page and API."""
    record = await session.scalar(
        select(DriftRecord).order_by(DriftRecord.found_at.desc(), DriftRecord.id.desc()).limit(1)
    )
    if record is None:
        return {"report": None, "fixed_by": None, "confirms": None}
    confirms = await session.get(DriftRecord, record.confirms_id) if record.confirms_id else None
    return {
        "report": _out(record),
        "fixed_by": _out(fixed) if (fixed := await _fixed_by(session, record.id)) else None,
        "confirms": _out(confirms) if confirms else None,
    }


async def confirm_fix(
    session: AsyncSession, temporal: Client, settings: Settings, report_id: int, me: Member
) -> str:
    """Start AccessReconcile to apply the report's allowed fixes that are still needed."""
    record = await get(session, report_id)
    if not record.dry_run:
        raise Rejected(f"Report {report_id} records a fix; confirm a dry-run report instead.")
    if not record.allowed:
        raise Rejected(f"Report {report_id} plans no fix that the rails allow; there is nothing to confirm.")
    if await _fixed_by(session, report_id) is not None:
        raise Conflict(f"Report {report_id} was fixed already; see the latest report.")
    workflow_id = fix_workflow_id(settings.workflow_id_prefix, report_id)
    try:
        await temporal.start_workflow(
            AccessReconcile.run,
            ReconcileInput(confirm=True, report_id=report_id, confirmed_by_id=me.id),
            id=workflow_id,
            task_queue=settings.temporal_task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        )
    except WorkflowAlreadyStartedError as exc:
        raise Conflict(f"Report {report_id} is being fixed already; see the latest report.") from exc
    return workflow_id


async def _fixed_by(session: AsyncSession, report_id: int) -> DriftRecord | None:
    query = select(DriftRecord).where(DriftRecord.confirms_id == report_id, DriftRecord.fixed_at.is_not(None))
    return await session.scalar(query.limit(1))


def _out(record: DriftRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "found_at": record.found_at,
        "dry_run": record.dry_run,
        "findings": record.findings,
        "allowed": record.allowed,
        "targets": record.report["targets"],
        "rails": record.report["rails"],
        "confirms_id": record.confirms_id,
        "confirmed_by_id": record.confirmed_by_id,
        "fixes": record.fixes,
        "fixed_at": record.fixed_at,
    }


async def request_dry_run(temporal: Client, settings: Settings) -> None:
    """A change made on GitHub by hand: compare soon. Bursts (a team reshuffle) join the run waiting."""
    await temporal.start_workflow(
        AccessReconcile.run,
        ReconcileInput(),
        id=f"{settings.workflow_id_prefix}{SCHEDULE_ID}-on-change",
        task_queue=settings.temporal_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        start_delay=ON_CHANGE_DELAY,
    )
