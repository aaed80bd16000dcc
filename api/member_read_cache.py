"""A PostgreSQL web process's memory of member reads and of the lists journey forms offer
(api/journey_reads.py), each dropped the moment the database says its rows changed.

On PostgreSQL the fast read still costs a round trip, 0.25 ms of the web process's CPU under load (psycopg's
waiting on the event loop, the pool), which is most of a status request. Triggers on `members` and
`journey_views` (migration 0018) NOTIFY the member's id at commit; this cache LISTENs on its own connection.

Rules that keep it correct:
- It is used only while the listening connection is up: losing it clears everything and turns the cache
  off until LISTEN is back, and a heartbeat query finds a connection that died without a word.
- A read fills the cache only if no notice arrived while it ran (a generation count), so a read that
  raced a change cannot store the old row after the notice dropped it.
- This process drops a member itself after changing them (a step, signing out), so its own next read
  never waits on the notice; other processes see the change when the notice lands, a millisecond later.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import psycopg

log = logging.getLogger(__name__)
CHANNEL = "perennial_member_reads"  # models/migrations/versions/0018_member_read_notices.py
CHOICES = "choices"  # the payload when chapters or projects change, and the key their lists are kept under
HEARTBEAT_SECONDS = 10.0
RETRY_SECONDS = 1.0


class MemberReadCache:
    def __init__(self, conninfo: str, capacity: int = 20_000) -> None:
        self._conninfo = conninfo
        self._capacity = capacity
        self._entries: dict[int | str, Any] = {}
        self._generation = 0
        self._listening = False
        self._task: asyncio.Task[None] | None = None

    @property
    def generation(self) -> int:
        return self._generation

    def get(self, key: int | str) -> Any | None:
        return self._entries.get(key) if self._listening else None

    def put(self, key: int | str, value: Any, generation: int) -> None:
        """Keep a read that began at `generation`, unless anything changed since."""
        if not self._listening or generation != self._generation:
            return
        if len(self._entries) >= self._capacity:
            del self._entries[next(iter(self._entries))]  # the oldest entry
        self._entries[key] = value

    def forget(self, key: int | str) -> None:
        self._entries.pop(key, None)
        self._generation += 1

    def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="member-read-cache")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._off()

    async def _listen(self) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self._off()  # nothing read before LISTEN may be kept
                    self._listening = True
                    while True:
                        async for notice in conn.notifies(timeout=HEARTBEAT_SECONDS):
                            self._changed(notice.payload)
                        await conn.execute("SELECT 1")
            except psycopg.Error as exc:
                log.warning("member read cache off until PostgreSQL answers again: %s", type(exc).__name__)
            except Exception:
                log.exception("member read cache off after an unexpected error; listening again")
            finally:
                self._off()
            await asyncio.sleep(RETRY_SECONDS)

    def _changed(self, payload: str) -> None:
        if payload == CHOICES:
            self.forget(CHOICES)
        elif payload.isdigit():
            self.forget(int(payload))
        else:  # not one of ours: drop everything rather than guess
            self._entries.clear()
            self._generation += 1

    def _off(self) -> None:
        self._listening = False
        self._entries.clear()
        self._generation += 1
