"""Records for tests, written through the real models."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.roles import Role
from models import Chapter, Community, Event, Member, Project, StepProgress
from models.base import make_engine, session_factory


class Db:
    """A synchronous handle on the test database for setting up and asserting records."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = session_factory(self.engine)

    def session(self) -> Session:
        return self.sessions()

    def community(self) -> Community:
        with self.sessions.begin() as s:
            community = s.scalar(select(Community)) or Community(name="Test Community")
            s.add(community)
            s.flush()
            return community

    def chapter(self, name: str, organizers: list[Member] | None = None) -> Chapter:
        community = self.community()
        with self.sessions.begin() as s:
            chapter = Chapter(community_id=community.id, name=name)
            chapter.organizers = [s.merge(o) for o in organizers or []]
            s.add(chapter)
            s.flush()
            return chapter

    def project(self, name: str) -> Project:
        community = self.community()
        with self.sessions.begin() as s:
            project = Project(community_id=community.id, name=name, repositories=[f"demo/{name}"])
            s.add(project)
            s.flush()
            return project

    def member(
        self,
        email: str,
        *,
        role: Role = Role.MEMBER,
        chapter_id: int | None = None,
        reminders: bool = True,
        name: str | None = None,
    ) -> Member:
        with self.sessions.begin() as s:
            member = Member(
                email=email,
                display_name=name or email.split("@")[0],
                role=role,
                chapter_id=chapter_id,
                consents={"reminders": reminders},
            )
            s.add(member)
            s.flush()
            return member

    def events(self, member_id: int, kind: str | None = None) -> list[Event]:
        with self.sessions() as s:
            query = select(Event).where(Event.subject_id == member_id).order_by(Event.id)
            if kind:
                query = query.where(Event.kind == kind)
            return list(s.scalars(query))

    def progress(self, member_id: int) -> list[StepProgress]:
        with self.sessions() as s:
            return list(s.scalars(select(StepProgress).where(StepProgress.member_id == member_id)))

    def get(self, model: type[Any], ident: int) -> Any:
        with self.sessions() as s:
            return s.get(model, ident)

    def count(self, model: type[Any]) -> int:
        with self.sessions() as s:
            return len(list(s.scalars(select(model))))

    def close(self) -> None:
        self.engine.dispose()


async def eventually(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    """Poll until `check` returns something truthy; activities finish shortly after their timers fire."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s: last result {result!r}")
        await asyncio.sleep(0.05)


def csrf(page: httpx.Response) -> str:
    """The CSRF token a rendered form carries, as a browser would submit it."""
    match = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
    assert match, "the page has no CSRF field"
    return match.group(1)


SHARED_DATA = (Path(__file__).resolve().parents[2] / "shared" / "data", Path("/work/shared/data"))


def shared_data(name: str) -> Path:
    """A file of ../shared/data (real third-party data); the tests that use it cannot run without it."""
    for folder in SHARED_DATA:
        if (folder / name).exists():
            return folder / name
    raise AssertionError(f"{name} is missing: put the shared data folder beside the project (../shared/data)")
