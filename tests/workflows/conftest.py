from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from api.settings import Settings
from api.worker import build_worker
from domain.journey import JourneyInput
from workflows.member_journey import MemberJourney


@dataclass
class Journeys:
    client: Client
    settings: Settings
    env: WorkflowEnvironment

    async def start(self, member_id: int, history_limit: int | None = None) -> WorkflowHandle:
        return await self.client.start_workflow(
            MemberJourney.run,
            JourneyInput(member_id, history_limit=history_limit),
            id=self.settings.journey_id(member_id),
            task_queue=self.settings.temporal_task_queue,
        )


@pytest.fixture
async def journeys(time_skipping_env: WorkflowEnvironment, settings: Settings) -> AsyncIterator[Journeys]:
    worker = build_worker(time_skipping_env.client, settings)
    async with worker:
        yield Journeys(time_skipping_env.client, settings, time_skipping_env)
