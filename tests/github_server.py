"""The local GitHub (localgithub/) served by uvicorn on a free port in a background thread, for tests that
drive it with the real PyGithub."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import github
import httpx
import uvicorn

from localgithub.app import create_app
from localgithub.models.seed import Seed
from localgithub.state import State
from tests.conftest import free_port


@dataclass
class LocalGitHub:
    url: str
    control: httpx.Client

    def set_faults(self, **settings: object) -> None:
        self.control.post("/_local/faults", json=settings).raise_for_status()

    def reset(self) -> None:
        self.control.post("/_local/reset").raise_for_status()

    def accept_invitations(self, login: str) -> dict[str, Any]:
        """As `login`: accepts every repository invitation and pending team membership."""
        response = self.control.post(f"/_local/users/{login}/accept-invitations")
        response.raise_for_status()
        accepted: dict[str, Any] = response.json()
        return accepted

    def state(self) -> dict[str, Any]:
        world: dict[str, Any] = self.control.get("/_local/state").raise_for_status().json()
        return world


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


@contextmanager
def running(seed: Seed) -> Iterator[LocalGitHub]:
    with serving(State(seed)) as url, httpx.Client(base_url=url) as control:
        yield LocalGitHub(url, control)


def connect(url: str, token: str | None, **options: object) -> github.Github:
    """PyGithub pauses 0.25 s between requests and 1 s between writes by default; no need locally."""
    auth = github.Auth.Token(token) if token else None
    pacing = {"seconds_between_requests": None, "seconds_between_writes": None}
    return github.Github(auth=auth, base_url=url, retry=None, **pacing | options)  # type: ignore[arg-type]
