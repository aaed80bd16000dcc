"""The local GitHub served by uvicorn on a free port in a background thread, driven by the real PyGithub."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import github
import httpx
import pytest
import uvicorn

from localgithub.app import create_app
from localgithub.models.seed import Seed
from localgithub.state import State
from tests.conftest import free_port

ADMIN = "admin-token"
MARIA = "maria-token"
SAM = "sam-token"
OLGA = "olga-token"
NEWBIE = "newbie-token"


def _day(day: int) -> datetime:
    return datetime(2024, 5, day, 12, tzinfo=UTC)


def acme_seed(**overrides: object) -> Seed:
    """acme: octo-admin owns it, maria maintains team devs, sam is in it; olga and newbie are outsiders."""
    return Seed.model_validate(
        {
            "users": [
                {"login": "octo-admin", "name": "Octo Admin", "tokens": [ADMIN]},
                {"login": "maria", "name": "Maria", "tokens": [MARIA]},
                {"login": "sam", "tokens": [SAM]},
                {"login": "olga", "tokens": [OLGA]},
                {"login": "newbie", "tokens": [NEWBIE]},
            ],
            "orgs": [
                {
                    "login": "acme",
                    "name": "Acme Volunteers",
                    "owners": ["octo-admin"],
                    "members": ["maria", "sam"],
                    "teams": [
                        {
                            "slug": "devs",
                            "name": "Developers",
                            "maintainers": ["maria"],
                            "members": ["sam"],
                            "repos": {"widgets": "push"},
                        },
                        {"slug": "docs", "name": "Docs"},
                    ],
                }
            ],
            "repos": [
                {
                    "owner": "acme",
                    "name": "widgets",
                    "collaborators": {"olga": "read"},
                    "pulls": [
                        {
                            "number": 1,
                            "title": "First",
                            "user": "sam",
                            "state": "closed",
                            "merged": True,
                            "created_at": _day(1),
                            "closed_at": _day(2),
                            "reviews": [{"user": "maria", "state": "APPROVED", "submitted_at": _day(1)}],
                        },
                        {
                            "number": 2,
                            "title": "Second",
                            "user": "olga",
                            "created_at": _day(3),
                            "reviews": [
                                {"user": "sam", "state": "COMMENTED", "body": "Hm.", "submitted_at": _day(4)},
                                {"user": "maria", "state": "CHANGES_REQUESTED", "submitted_at": _day(5)},
                            ],
                        },
                        {"number": 3, "title": "Third", "user": "sam", "draft": True, "created_at": _day(6)},
                    ],
                },
                {"owner": "acme", "name": "secret", "private": True},
                {
                    "owner": "acme",
                    "name": "sandbox-template",
                    "is_template": True,
                    "description": "Start here",
                },
                {"owner": "acme", "name": "plain"},
                {"owner": "olga", "name": "dotfiles"},
            ],
        }
        | overrides
    )


@dataclass
class LocalGitHub:
    url: str
    control: httpx.Client

    def set_faults(self, **settings: object) -> None:
        self.control.post("/_local/faults", json=settings).raise_for_status()


@contextmanager
def serving(world: State) -> Iterator[str]:
    config = uvicorn.Config(
        create_app(world), host="127.0.0.1", port=free_port(), log_level="warning", lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="localgithub", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the local GitHub did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="session")
def local_github() -> Iterator[LocalGitHub]:
    world = State(acme_seed())
    with serving(world) as url, httpx.Client(base_url=url) as control:
        yield LocalGitHub(url, control)


@pytest.fixture(autouse=True)
def fresh_world(local_github: LocalGitHub) -> None:
    local_github.control.post("/_local/reset").raise_for_status()


def connect(url: str, token: str | None, **options: object) -> github.Github:
    """PyGithub pauses 0.25 s between requests and 1 s between writes by default; no need locally."""
    auth = github.Auth.Token(token) if token else None
    pacing = {"seconds_between_requests": None, "seconds_between_writes": None}
    return github.Github(auth=auth, base_url=url, retry=None, **pacing | options)  # type: ignore[arg-type]


@pytest.fixture
def github_as(local_github: LocalGitHub) -> Iterator[Callable[..., github.Github]]:
    """`github_as(token, per_page=2)`: a PyGithub client for that token, closed after the test."""
    clients: list[github.Github] = []

    def make(token: str | None, **options: object) -> github.Github:
        clients.append(connect(local_github.url, token, **options))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def admin(github_as: Callable[..., github.Github]) -> github.Github:
    return github_as(ADMIN)
