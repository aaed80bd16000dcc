"""Shared names and small helpers for the GitHub activity tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest
from temporalio.exceptions import ApplicationError

from activities.access_contracts import GitHubAccess
from tests.github_server import LocalGitHub

ORG = "perennial-demo"
TOKEN = "local-admin-token"
VOLUNTEERS = [f"volunteer-{n:02d}" for n in range(1, 51)]
T = TypeVar("T")


def repo(login: str, permission: str = "write", name: str = "website") -> GitHubAccess:
    return GitHubAccess("repo", name, login, permission)


def team(login: str, permission: str = "write", slug: str = "contributors") -> GitHubAccess:
    return GitHubAccess("team", slug, login, permission)


def invitations(server: LocalGitHub, full_name: str = f"{ORG}/website") -> dict[str, list[str]]:
    """Each invitee's pending invitations on the repository, by GitHub's permission name."""
    found: dict[str, list[str]] = {}
    for invitation in server.state()["invitations"]:
        if invitation["repo"] == full_name:
            found.setdefault(invitation["invitee"], []).append(invitation["permission"])
    return found


def failure(call: Callable[[], object]) -> ApplicationError:
    with pytest.raises(ApplicationError) as raised:
        call()
    return raised.value


def retried_until_done(call: Callable[[], T], attempts: int = 40) -> tuple[T, int]:
    """What Temporal's retry policy does for a retryable error, without the backoff."""
    for retries in range(attempts):
        try:
            return call(), retries
        except ApplicationError as error:
            if error.non_retryable:
                raise
    raise AssertionError(f"still failing after {attempts} attempts")
