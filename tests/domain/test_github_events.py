"""GitHub deliveries, in the shapes GitHub sends (octokit/webhooks payload examples, trimmed), read into
contributions, suspected drift or a reason for ignoring them; signatures are checked in constant time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from domain.contributions import ContributionKind
from domain.github_events import (
    ContributionSeen,
    DriftSuspected,
    Ignored,
    Ping,
    read,
    sign,
    signature_matches,
)

SECRET = "It's a Secret to Everybody"
PR_URL = "https://github.com/Codertocat/Hello-World/pull/2"


def user(login: str, kind: str = "User") -> dict[str, Any]:
    return {
        "login": login,
        "id": 21031067,
        "node_id": "MDQ6VXNlcjIxMDMxMDY3",
        "type": kind,
        "site_admin": False,
    }


def pull_request(author: dict[str, Any], *, merged: bool, merged_at: str | None) -> dict[str, Any]:
    return {
        "url": "https://api.github.com/repos/Codertocat/Hello-World/pulls/2",
        "id": 279147437,
        "html_url": PR_URL,
        "number": 2,
        "state": "closed" if merged_at else "open",
        "user": author,
        "merged_at": merged_at,
        "merged": merged,
    }


def pull_request_delivery(action: str, author: dict[str, Any], *, merged: bool) -> dict[str, Any]:
    at = "2019-05-15T15:21:18Z" if merged else None
    return {
        "action": action,
        "number": 2,
        "pull_request": pull_request(author, merged=merged, merged_at=at),
        "repository": {"full_name": "Codertocat/Hello-World"},
        "sender": user("Codertocat"),
    }


def review_delivery(
    reviewer: dict[str, Any], author: dict[str, Any], action: str = "submitted"
) -> dict[str, Any]:
    return {
        "action": action,
        "review": {
            "id": 237895671,
            "user": reviewer,
            "body": None,
            "submitted_at": "2019-05-15T15:20:38Z",
            "state": "commented",
            "html_url": PR_URL + "#pullrequestreview-237895671",
        },
        "pull_request": pull_request(author, merged=False, merged_at=None),
        "repository": {"full_name": "Codertocat/Hello-World"},
        "sender": reviewer,
    }


def issue_delivery(author: dict[str, Any], action: str = "opened") -> dict[str, Any]:
    return {
        "action": action,
        "issue": {
            "id": 444500041,
            "number": 1,
            "html_url": "https://github.com/Codertocat/Hello-World/issues/1",
            "user": author,
            "created_at": "2019-05-15T15:20:18Z",
        },
        "repository": {"full_name": "Codertocat/Hello-World"},
        "sender": author,
    }


def test_a_merged_pull_request_is_its_authors_contribution_dated_when_merged() -> None:
    seen = read("pull_request", pull_request_delivery("closed", user("Codertocat"), merged=True))

    assert seen == ContributionSeen(
        ContributionKind.PR_MERGED,
        "Codertocat",
        PR_URL,
        "279147437",
        datetime(2019, 5, 15, 15, 21, 18, tzinfo=UTC),
    )
    assert isinstance(seen, ContributionSeen) and seen.idempotency_key == "github/pr_merged/279147437"


@pytest.mark.parametrize(
    ("action", "merged"), [("closed", False), ("opened", False), ("synchronize", False), ("edited", True)]
)
def test_only_a_merge_counts_among_pull_request_deliveries(action: str, merged: bool) -> None:
    seen = read("pull_request", pull_request_delivery(action, user("Codertocat"), merged=merged))

    assert isinstance(seen, Ignored) and "only merges count" in seen.reason


def test_a_submitted_review_counts_for_the_reviewer_with_the_author_as_counterpart() -> None:
    seen = read("pull_request_review", review_delivery(user("octocat"), user("Codertocat")))

    assert seen == ContributionSeen(
        ContributionKind.REVIEW,
        "octocat",
        PR_URL,
        "237895671",
        datetime(2019, 5, 15, 15, 20, 38, tzinfo=UTC),
        counterpart_login="Codertocat",
    )


def test_a_review_of_ones_own_pull_request_has_no_counterpart() -> None:
    seen = read("pull_request_review", review_delivery(user("Codertocat"), user("Codertocat")))

    assert isinstance(seen, ContributionSeen) and seen.counterpart_login is None


def test_a_review_of_a_bots_pull_request_has_no_counterpart() -> None:
    seen = read("pull_request_review", review_delivery(user("octocat"), user("dependabot[bot]", "Bot")))

    assert isinstance(seen, ContributionSeen) and seen.counterpart_login is None


@pytest.mark.parametrize("action", ["edited", "dismissed"])
def test_a_review_edited_or_dismissed_does_not_count_again(action: str) -> None:
    assert isinstance(read("pull_request_review", review_delivery(user("o"), user("c"), action)), Ignored)


def test_an_opened_issue_is_its_authors_contribution() -> None:
    seen = read("issues", issue_delivery(user("Codertocat")))

    assert isinstance(seen, ContributionSeen)
    assert (seen.kind, seen.login, seen.idempotency_key) == (
        ContributionKind.ISSUE,
        "Codertocat",
        "github/issue/444500041",
    )


@pytest.mark.parametrize("action", ["closed", "labeled", "edited"])
def test_other_issue_actions_are_ignored(action: str) -> None:
    assert isinstance(read("issues", issue_delivery(user("Codertocat"), action)), Ignored)


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        pytest.param(
            "pull_request", pull_request_delivery("closed", user("dependabot[bot]", "Bot"), merged=True)
        ),
        pytest.param("issues", issue_delivery(user("Renovate[BOT]"))),
        pytest.param(
            "pull_request_review", review_delivery(user("an-app"), user("Codertocat")), id="type-bot"
        ),
    ],
)
def test_bots_work_is_ignored(event: str, payload: dict[str, Any]) -> None:
    if event == "pull_request_review":
        payload["review"]["user"]["type"] = "Bot"

    seen = read(event, payload)

    assert isinstance(seen, Ignored) and "bot" in seen.reason


def test_a_delivery_missing_the_authors_login_is_ignored_with_the_reason() -> None:
    payload = pull_request_delivery("closed", user("Codertocat"), merged=True)
    del payload["pull_request"]["user"]

    seen = read("pull_request", payload)

    assert isinstance(seen, Ignored) and "login" in seen.reason


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
