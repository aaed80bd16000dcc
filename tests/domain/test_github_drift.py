"""GitHub deliveries about membership and permissions read as suspected drift, other deliveries ignored
with their kind named, and signatures checked in constant time."""

from __future__ import annotations

from typing import Any

import pytest

from domain.github_events import DriftSuspected, Ignored, Ping, read, sign, signature_matches
from tests.domain.test_github_events import SECRET, user

MEMBER_ADDED = {
    "action": "added",
    "member": user("hacktocat"),
    "repository": {"full_name": "Codertocat/Hello-World"},
    "sender": user("Codertocat"),
}
TEAM_MEMBERSHIP_REMOVED = {
    "action": "removed",
    "scope": "team",
    "member": user("Codertocat"),
    "team": {"id": 3253328, "name": "github", "deleted": True},
    "organization": {"login": "Octocoders"},
    "sender": user("Codertocat"),
}
ORG_MEMBER_ADDED = {
    "action": "member_added",
    "membership": {
        "url": "https://api.github.com/orgs/Octocoders/memberships/hacktocat",
        "state": "active",
        "role": "member",
        "organization_url": "https://api.github.com/orgs/Octocoders",
        "user": user("hacktocat"),
    },
    "organization": {"login": "Octocoders"},
    "sender": user("Codertocat"),
}
TEAM_ADDED_TO_REPOSITORY = {
    "action": "added_to_repository",
    "team": {"name": "github", "id": 3253328, "slug": "github", "permission": "pull"},
    "repository": {"full_name": "Octocoders/Hello-World"},
    "organization": {"login": "Octocoders"},
    "sender": user("Codertocat"),
}
REPOSITORY_PRIVATIZED = {
    "action": "privatized",
    "repository": {"full_name": "Codertocat/Hello-World"},
    "sender": user("Codertocat"),
}


@pytest.mark.parametrize(
    ("event", "payload", "expected"),
    [
        ("member", MEMBER_ADDED, DriftSuspected("member", "added", "Codertocat/Hello-World", "hacktocat")),
        (
            "membership",
            TEAM_MEMBERSHIP_REMOVED,
            DriftSuspected("membership", "removed", "Octocoders/github", "Codertocat"),
        ),
        (
            "organization",
            ORG_MEMBER_ADDED,
            DriftSuspected("organization", "member_added", "Octocoders", "hacktocat"),
        ),
        (
            "team",
            TEAM_ADDED_TO_REPOSITORY,
            DriftSuspected(
                "team", "added_to_repository", "Octocoders/github", None, "Octocoders/Hello-World"
            ),
        ),
        (
            "repository",
            REPOSITORY_PRIVATIZED,
            DriftSuspected("repository", "privatized", "Codertocat/Hello-World"),
        ),
    ],
    ids=[
        "collaborator-added",
        "team-member-removed",
        "org-member-added",
        "team-repository",
        "repo-privatized",
    ],
)
def test_membership_and_permission_changes_are_suspected_drift(
    event: str, payload: dict[str, Any], expected: DriftSuspected
) -> None:
    assert read(event, payload) == expected


def test_a_bot_given_access_is_still_drift_because_access_is_what_reconciliation_checks() -> None:
    payload = {**MEMBER_ADDED, "member": user("deploy[bot]", "Bot")}

    assert read("member", payload) == DriftSuspected(
        "member", "added", "Codertocat/Hello-World", "deploy[bot]"
    )


@pytest.mark.parametrize(
    ("event", "action"),
    [
        ("organization", "renamed"),
        ("repository", "created"),
        ("repository", "edited"),
        ("push", ""),
        ("star", "created"),
    ],
)
def test_other_deliveries_are_ignored_with_their_kind_named(event: str, action: str) -> None:
    seen = read(event, {"action": action} if action else {"ref": "refs/heads/main"})

    assert isinstance(seen, Ignored) and f"'{event}'" in seen.reason


def test_a_ping_is_a_ping() -> None:
    assert read("ping", {"zen": "Anything added dilutes everything else.", "hook_id": 109948940}) == Ping()


# GitHub's documented example: secret "It's a Secret to Everybody", body "Hello, World!".
GITHUB_EXAMPLE_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_a_signature_computed_as_github_documents_it_matches() -> None:
    assert sign(SECRET, b"Hello, World!") == GITHUB_EXAMPLE_SIGNATURE
    assert signature_matches(SECRET, b"Hello, World!", GITHUB_EXAMPLE_SIGNATURE)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        GITHUB_EXAMPLE_SIGNATURE.removeprefix("sha256="),
        "sha1=" + GITHUB_EXAMPLE_SIGNATURE.removeprefix("sha256="),
        GITHUB_EXAMPLE_SIGNATURE[:-1] + "0",
        GITHUB_EXAMPLE_SIGNATURE.upper(),
        GITHUB_EXAMPLE_SIGNATURE[:-1] + "é",
    ],
    ids=["missing", "empty", "no-prefix", "sha1", "one-digit-changed", "upper-case", "non-ascii"],
)
def test_a_missing_or_forged_signature_does_not_match(header: str | None) -> None:
    assert not signature_matches(SECRET, b"Hello, World!", header)


def test_a_signature_for_another_body_or_secret_does_not_match() -> None:
    assert not signature_matches(SECRET, b"Hello, World?", GITHUB_EXAMPLE_SIGNATURE)
    assert not signature_matches("another secret", b"Hello, World!", GITHUB_EXAMPLE_SIGNATURE)
