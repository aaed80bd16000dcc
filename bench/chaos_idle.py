"""Members whose reminders come due during a ten-minute run.

The policy counts in whole days (at least one), so no journey started during the run can go idle long
enough for a reminder. These members are imported instead (a row written as an import from another
tool would be) and their journeys start from the state that continue-as-new carries, with the last
activity set two days back minus an offset: the first reminder (day 1) is due at once, and the second
(day 2) comes due `offset` seconds into the run. Everything after that is the real thing: the
workflow's own timers, the `send_nudge` activity, the ledger, and SMTP.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from temporalio.client import Client

from api.settings import Settings
from bench.chaos_members import Person
from domain.journey import JourneyInput, JourneyState
from models import Member
from models.base import make_engine, session_factory
from workflows.member_journey import MemberJourney

REMINDERS_EACH = 2  # the bench policy's reminder_days = [1, 2]


async def start(client: Client, settings: Settings, people: list[Person], offsets: list[float]) -> None:
    now = datetime.now(UTC)
    backdated = [now - timedelta(days=REMINDERS_EACH) + timedelta(seconds=o) for o in offsets]
    playbook = settings.policy.playbook
    with session_factory(make_engine(settings.database_url)).begin() as session:
        rows = [
            Member(
                email=person.email,
                display_name=person.name,
                consents={"reminders": True, "recorded_at": now.isoformat()},
                current_step=playbook.steps[0].id,
                signed_up_at=at,
                last_active_at=at,
            )
            for person, at in zip(people, backdated, strict=True)
        ]
        session.add_all(rows)
        session.flush()
        for person, row in zip(people, rows, strict=True):
            person.member_id = row.id
    gate = asyncio.Semaphore(32)

    async def one(person: Person, at: datetime) -> None:
        assert person.member_id is not None
        state = JourneyState(person.member_id, playbook, signed_up_at=at, last_activity_at=at)
        async with gate:
            await client.start_workflow(
                MemberJourney.run,
                JourneyInput(person.member_id, state),
                id=settings.journey_id(person.member_id),
                task_queue=settings.temporal_task_queue,
            )

    await asyncio.gather(*(one(p, at) for p, at in zip(people, backdated, strict=True)))
