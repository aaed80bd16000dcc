"""What Temporal's own histories say about a run: which worker ran each workflow task and activity
(the identity is `pid@host`), how many activities needed another attempt, how many workflow tasks
timed out or failed, and which journeys are no longer running."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client


async def history_stats(
    client: Client, workflow_ids: list[str], *, split_at: datetime | None = None, concurrency: int = 16
) -> dict[str, Any]:
    """Counts over the histories; with split_at, also the work each worker did before that moment."""
    by_worker: dict[str, Counter[str]] = defaultdict(Counter)
    counts: Counter[str] = Counter()
    gate = asyncio.Semaphore(concurrency)

    def record(kind: str, identity: str, event: HistoryEvent) -> None:
        by_worker[kind][identity] += 1
        if split_at is not None and event.event_time.ToDatetime(tzinfo=UTC) < split_at:
            by_worker[f"{kind}_before_kill"][identity] += 1

    async def one(workflow_id: str) -> None:
        async with gate:
            history = await client.get_workflow_handle(workflow_id).fetch_history()
        identities = set()
        for event in history.events:
            kind = event.event_type
            if kind == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                identity = event.workflow_task_completed_event_attributes.identity
                record("workflow_tasks_by_worker", identity, event)
                identities.add(identity)
            elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
                attributes = event.activity_task_started_event_attributes
                record("activities_by_worker", attributes.identity, event)
                counts["activities_retried"] += attributes.attempt > 1
            elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
                counts["workflow_tasks_timed_out"] += 1
            elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
                counts["workflow_tasks_failed"] += 1
            elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
                counts["updates_completed"] += 1
            elif kind == EventType.EVENT_TYPE_TIMER_FIRED:
                counts["timers_fired"] += 1
        counts["journeys_run_by_more_than_one_worker"] += len(identities) > 1

    await asyncio.gather(*(one(i) for i in workflow_ids))
    names = (
        "activities_retried",
        "workflow_tasks_timed_out",
        "workflow_tasks_failed",
        "updates_completed",
        "timers_fired",
        "journeys_run_by_more_than_one_worker",
    )
    return {**{kind: dict(c) for kind, c in by_worker.items()}, **{name: counts[name] for name in names}}


def relabel(stats: dict[str, Any], label: Callable[[str], str]) -> dict[str, Any]:
    """Name each worker identity in the stats (`pid@host`) by its process, e.g. `worker#2`."""
    return {
        key: {label(k): v for k, v in value.items()}
        if key.endswith(("_by_worker", "_before_kill"))
        else value
        for key, value in stats.items()
    }


async def closed_journeys(client: Client, task_queue: str) -> dict[str, str]:
    """Journeys on this task queue that stopped (failed, terminated, timed out), by workflow id."""
    query = (
        f"WorkflowType = 'MemberJourney' AND TaskQueue = '{task_queue}' "
        "AND ExecutionStatus != 'Running' AND ExecutionStatus != 'ContinuedAsNew'"
    )
    return {
        execution.id: execution.status.name if execution.status else "UNKNOWN"
        async for execution in client.list_workflows(query)
    }
