"""The local GitHub for these tests: one server per module, reset before each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import github
import pytest

from activities.github import GitHubActivities
from activities.github_client import github_from_settings
from localgithub.app import EXAMPLE_SEED
from localgithub.models import seed as seed_file
from tests.activities.github_access.helpers import ORG, TOKEN, VOLUNTEERS
from tests.github_server import LocalGitHub, running


@pytest.fixture(scope="module")
def server() -> Iterator[LocalGitHub]:
    """The demo world of seed.example.toml, with fifty more people who are not in the organization."""
    example = seed_file.load(EXAMPLE_SEED).model_dump()
    example["users"] += [{"login": login} for login in VOLUNTEERS]
    with running(seed_file.Seed.model_validate(example)) as local:
        yield local


@pytest.fixture(autouse=True)
def fresh_world(server: LocalGitHub) -> None:
    server.reset()


@pytest.fixture
def connect(server: LocalGitHub) -> Iterator[Callable[..., GitHubActivities]]:
    """`connect(token=..., base_url=..., ...)`: activities on a client closed after the test."""
    clients: list[github.Github] = []

    def make(token: str = TOKEN, base_url: str = server.url, **options: object) -> GitHubActivities:
        clients.append(github_from_settings(base_url=base_url, token=token, **options))  # type: ignore[arg-type]
        return GitHubActivities(clients[-1], ORG)

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def acts(connect: Callable[..., GitHubActivities]) -> GitHubActivities:
    return connect()
