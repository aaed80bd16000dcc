"""The acme world on the local GitHub, driven by the real PyGithub (the server: tests/github_server.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import github
import pytest

from localgithub.models.seed import Seed
from tests.github_server import LocalGitHub, connect, running
from tests.github_server import serving as serving  # re-exported for test_faults

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


@pytest.fixture(scope="session")
def local_github() -> Iterator[LocalGitHub]:
    with running(acme_seed()) as server:
        yield server


@pytest.fixture(autouse=True)
def fresh_world(local_github: LocalGitHub) -> None:
    local_github.reset()


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
