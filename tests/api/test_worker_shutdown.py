"""A worker told to stop (`perennial worker` on SIGTERM, as a deploy does) lets the activities it is running
finish first, so a message already handed to the relay is recorded and never sent again by a retry."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.worker import build_worker
from tests.api.conftest import BASE
from tests.conftest import free_port, make_settings
from tests.factories import Db, eventually


class SlowRelay:
    """An SMTP relay that takes its time to accept each message, as a busy one does."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.receiving = threading.Event()
        self.accepted: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's name
        self.receiving.set()
        await asyncio.sleep(self.seconds)
        self.accepted.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


async def test_a_stopping_worker_lets_the_reminder_it_is_sending_finish_and_be_recorded(
    sqlite_url: str, time_skipping_env: WorkflowEnvironment
) -> None:
    relay = SlowRelay(seconds=2.0)
    controller = Controller(relay, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings = make_settings(sqlite_url, controller.port)
    db = Db(settings.database_url)
    app = create_app(settings, temporal=time_skipping_env.client)
    worker = build_worker(time_skipping_env.client, settings)
    running = asyncio.create_task(worker.run())
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client,
        ):
            ada = {"email": "ada@example.org", "display_name": "Ada", "reminders": True}
            signed_up = await client.post("/api/members", json=ada)
            assert signed_up.status_code == 201
            member_id = signed_up.json()["id"]
            await eventually(lambda: db.events(member_id, "mail.welcome_sent"))
            relay.receiving.clear()
            await time_skipping_env.sleep(timedelta(days=3, hours=1))  # the first step's first reminder
            assert await asyncio.to_thread(relay.receiving.wait, 30), "no reminder reached the relay"
            await worker.shutdown()  # what `perennial worker` does on SIGTERM
        await running

        assert relay.accepted == [["ada@example.org"]] * 2
        assert db.events(member_id, "journey.nudged"), "the send was cut short: a retry would mail Ada again"
    finally:
        controller.stop()
        db.close()
