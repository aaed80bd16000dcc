"""A worker told to stop (`perennial worker` on SIGTERM, as a deploy does) lets the activities it is running
finish first, so a message already handed to the relay is recorded and never sent again by a retry."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from api.settings import Settings
from tests.api.conftest import Site
from tests.conftest import free_port, make_settings


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


@pytest.fixture
def relay() -> Iterator[tuple[SlowRelay, int]]:
    handler, port = SlowRelay(seconds=2.0), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def settings(sqlite_url: str, relay: tuple[SlowRelay, int]) -> Settings:
    """The site's worker mails through the slow relay."""
    return make_settings(sqlite_url, relay[1])


async def test_a_stopping_worker_lets_the_reminder_it_is_sending_finish_and_be_recorded(
    site: Site, relay: tuple[SlowRelay, int]
) -> None:
    slow, _ = relay
    ada = await site.member_with_journey("ada@example.org", reminders=True)
    slow.receiving.clear()
    await site.env.sleep(timedelta(days=3, hours=1))  # the first step's first reminder
    assert await asyncio.to_thread(slow.receiving.wait, 30), "no reminder reached the relay"

    await site.worker.shutdown()  # what `perennial worker` does on SIGTERM

    assert slow.accepted == [["ada@example.org"]] * 2  # the welcome, then the reminder, once
    assert site.db.events(ada.id, "journey.nudged"), "the send was cut short: a retry would mail Ada again"
