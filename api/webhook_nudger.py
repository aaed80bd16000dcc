"""Wakes webhook delivery workflows when a commit in this process queued deliveries for them.

The flush hook (models.webhook_outbox) runs wherever the commit happens, often in an activity's thread;
it hands the endpoint ids to this process's event loop, which signals (or starts) each endpoint's
WebhookSender. A lost nudge costs only latency: every sender also sweeps on a timer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from activities.webhook_contracts import SenderState
from api.settings import Settings
from models import webhook_outbox
from workflows.webhook_sender import WebhookSender

log = logging.getLogger(__name__)


async def wake(client: Client, settings: Settings, endpoint_id: int) -> None:
    """Signal the endpoint's sender, starting it first if it is not running."""
    await client.start_workflow(
        WebhookSender.run,
        SenderState(endpoint_id),
        id=settings.webhook_sender_id(endpoint_id),
        task_queue=settings.temporal_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        start_signal="nudge",
    )


@contextlib.asynccontextmanager
async def nudging(client: Client, settings: Settings) -> AsyncIterator[None]:
    """While open, commits in this process wake the senders of endpoints they queued deliveries for."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[set[int]] = asyncio.Queue()

    def listener(endpoint_ids: set[int]) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, endpoint_ids)

    async def drain() -> None:
        while True:
            for endpoint_id in sorted(await queue.get()):
                try:
                    await wake(client, settings, endpoint_id)
                except Exception:  # the sweep will pick the work up; one failure must not stop the loop
                    log.exception("could not wake webhook sender %s", endpoint_id)

    webhook_outbox.add_listener(listener)
    task = asyncio.create_task(drain())
    try:
        yield
    finally:
        webhook_outbox.remove_listener(listener)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
