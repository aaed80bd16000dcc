"""The bare Temporal baseline: a workflow that runs one no-op activity, on its own worker process."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker


@activity.defn
async def noop(member_id: int) -> int:
    return member_id


@workflow.defn
class OneActivity:
    @workflow.run
    async def run(self, member_id: int) -> int:
        return await workflow.execute_activity(noop, member_id, start_to_close_timeout=timedelta(seconds=30))


async def main(address: str, task_queue: str) -> None:
    client = await Client.connect(address)
    async with Worker(client, task_queue=task_queue, workflows=[OneActivity], activities=[noop]):
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
