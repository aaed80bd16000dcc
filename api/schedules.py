"""Temporal Schedules and on-demand runs for the community-wide workflows."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
)
from temporalio.common import WorkflowIDConflictPolicy

from api.settings import Settings
from workflows.trust_recompute import (
    ON_DEMAND_DELAY,
    ON_DEMAND_ID,
    SCHEDULE_ID,
    RecomputeInput,
    TrustRecompute,
)

log = logging.getLogger(__name__)
TRUST_RECOMPUTE_EVERY = timedelta(hours=6)


async def ensure_trust_schedule(client: Client, settings: Settings) -> None:
    await ensure_schedule(
        client,
        settings,
        SCHEDULE_ID,
        TrustRecompute.run,
        RecomputeInput("schedule", settings.workflow_id_prefix),
        TRUST_RECOMPUTE_EVERY,
    )


async def ensure_schedule(
    client: Client, settings: Settings, name: str, run: Any, arg: object, every: timedelta
) -> None:
    """Create a schedule once; every worker calls this at start, so it must be idempotent."""
    schedule_id = f"{settings.workflow_id_prefix}{name}"
    action = ScheduleActionStartWorkflow(run, arg, id=schedule_id, task_queue=settings.temporal_task_queue)
    schedule = Schedule(
        action=action,
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )
    try:
        await client.create_schedule(schedule_id, schedule)
        log.info("created schedule %s", schedule_id)
    except ScheduleAlreadyRunningError:
        pass


async def request_trust_recompute(client: Client, settings: Settings, reason: str) -> None:
    """Start a recompute a few minutes from now, or join the one already waiting (debounce)."""
    await client.start_workflow(
        TrustRecompute.run,
        RecomputeInput(reason, settings.workflow_id_prefix),
        id=f"{settings.workflow_id_prefix}{ON_DEMAND_ID}",
        task_queue=settings.temporal_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        start_delay=ON_DEMAND_DELAY,
    )
