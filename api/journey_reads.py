"""The hottest reads in the app, on their own path: a signed-in member with their journey's published view
(models.journey_view) in one indexed query, and the lists a journey form offers, on a plain driver
connection.

Measured per query on this project's machines: through the async ORM session 0.5 ms of CPU on SQLite
(aiosqlite hops to a thread for every call) and 0.4-0.6 ms on PostgreSQL, against 5 us for sqlite3 on the
event loop and 0.1 ms for psycopg. That difference is the whole budget of a member's status request, and
under load the ORM's pool is where the journey page queued (see bench/README.md, `make bench-load`). Every
other read keeps to the ORM.
"""

from __future__ import annotations

import json
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from psycopg_pool import AsyncConnectionPool
from sqlalchemy.engine import make_url

from api.member_read_cache import CHOICES, MemberReadCache
from api.telemetry import MEMBER_READS
from domain.roles import Role, acting_role

FROM_CACHE, FROM_DATABASE = MEMBER_READS.labels("cache"), MEMBER_READS.labels("database")
MEMBER_AND_VIEW = (
    "SELECT m.role, m.suspended_at IS NOT NULL, m.display_name, m.time_zone, m.skills, m.github_login,"
    " m.session_epoch, v.body, v.html"
    " FROM members AS m LEFT JOIN journey_views AS v ON v.member_id = m.id WHERE m.id = {}"
)
CHAPTERS = "SELECT id, name FROM chapters ORDER BY name"
ACTIVE_PROJECTS = "SELECT id, name, skills_needed FROM projects WHERE status = 'active' ORDER BY name"


_Read = TypeVar("_Read")


class ReadSideUnavailable(Exception):
    """The fast read could not run just now (a locked SQLite file, a lost connection): use the ORM path."""


@dataclass(frozen=True, slots=True)
class SignedInMember:
    """The caller, as much as the journey's pages show them: the greeting, the menu for their role, and
    their own profile in the profile step's form."""

    id: int
    role: Role  # the role they act with: a member's while suspended
    display_name: str
    time_zone: str | None = None
    skills: tuple[str, ...] = ()
    github_login: str | None = None


@dataclass(frozen=True, slots=True)
class MemberAndJourney:
    member: SignedInMember
    session_epoch: int
    view_json: str | None  # None until the journey publishes its first view
    view_html: str | None = None  # its steps cooked for the page (api/journey_steps.py), when it has them


@dataclass(frozen=True, slots=True)
class Choice:
    id: int
    name: str
    skills_needed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Choices:
    chapters: tuple[Choice, ...]
    projects: tuple[Choice, ...]  # active ones


def _strings(value: Any) -> tuple[str, ...]:
    """A JSON list column: text on SQLite, already decoded on PostgreSQL."""
    return tuple(json.loads(value) if isinstance(value, str) else value or ())


class JourneyReads(ABC):
    @abstractmethod
    async def _rows(self, query: str, *params: object) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    async def close(self) -> None: ...

    async def member_and_journey(self, member_id: int) -> MemberAndJourney | None:
        rows = await self._rows(MEMBER_AND_VIEW, member_id)
        FROM_DATABASE.inc()
        if not rows:
            return None
        role, suspended, name, time_zone, skills, github_login, epoch, body, html = rows[0]
        member = SignedInMember(
            member_id, acting_role(Role(role), suspended), name, time_zone, _strings(skills), github_login
        )
        return MemberAndJourney(member, epoch, body, html)

    def forget(self, member_id: int) -> None:  # noqa: B027  (only PostgreSQL's reads keep a cache)
        """This process changed the member: a cached read of them must not outlive the change."""

    async def choices(self) -> Choices:
        chapters = tuple(Choice(id, name) for id, name in await self._rows(CHAPTERS))
        projects = await self._rows(ACTIVE_PROJECTS)
        return Choices(chapters, tuple(Choice(id, name, _strings(skills)) for id, name, skills in projects))


class SqliteJourneyReads(JourneyReads):
    """A read-only connection used on the event loop: a primary-key lookup in WAL mode never waits for a
    writer, and is cheaper than the hop to a thread. Autocommit, so no read holds an old snapshot."""

    def __init__(self, path: str) -> None:
        self._read_only = f"{Path(path).resolve().as_uri()}?mode=ro"
        self._connection: sqlite3.Connection | None = None  # opened on first use: the file may not exist yet

    async def _rows(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        try:
            if self._connection is None:
                # timeout=0: a locked file answers at once (and we fall back) rather than block the loop.
                self._connection = sqlite3.connect(
                    self._read_only, uri=True, timeout=0, isolation_level=None, check_same_thread=False
                )
            return self._connection.execute(query.format("?"), params).fetchall()
        except sqlite3.OperationalError as exc:
            raise ReadSideUnavailable(str(exc)) from exc

    async def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


class PostgresJourneyReads(JourneyReads):
    """A small pool of autocommit connections (psycopg prepares each query after a few uses), and member
    reads kept in memory until PostgreSQL says they changed (api/member_read_cache.py)."""

    def __init__(self, conninfo: str, size: int = 4) -> None:
        self._pool = AsyncConnectionPool(
            conninfo, min_size=size, max_size=size, kwargs={"autocommit": True}, open=False
        )
        self._cache = MemberReadCache(conninfo)

    async def open(self) -> None:
        await self._pool.open()
        self._cache.start()

    async def member_and_journey(self, member_id: int) -> MemberAndJourney | None:
        cached: MemberAndJourney | None = self._cache.get(member_id)
        if cached is not None:
            FROM_CACHE.inc()
            return cached
        return await self._keep(member_id, super().member_and_journey(member_id))

    async def choices(self) -> Choices:
        cached: Choices | None = self._cache.get(CHOICES)
        return cached if cached is not None else await self._keep(CHOICES, super().choices())

    async def _keep(self, key: int | str, read: Coroutine[Any, Any, _Read]) -> _Read:
        generation = self._cache.generation  # before the read: a notice during it means do not keep it
        found = await read
        if found is not None:
            self._cache.put(key, found, generation)
        return found

    def forget(self, member_id: int) -> None:
        self._cache.forget(member_id)

    async def _rows(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        try:
            async with self._pool.connection() as connection:
                cursor = await connection.execute(query.format("%s"), params)
                return await cursor.fetchall()
        except psycopg.OperationalError as exc:
            raise ReadSideUnavailable(str(exc)) from exc

    async def close(self) -> None:
        await self._cache.stop()
        await self._pool.close()


async def open_journey_reads(database_url: str) -> JourneyReads:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return SqliteJourneyReads(url.database or "")
    reads = PostgresJourneyReads(url.set(drivername="postgresql").render_as_string(hide_password=False))
    await reads.open()
    return reads
