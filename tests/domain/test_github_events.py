"""GitHub deliveries, in the shapes GitHub sends (octokit/webhooks payload examples, trimmed), read into
contributions or a reason for ignoring them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from domain.contributions import ContributionKind
from domain.github_events import (
    ContributionSeen,
    Ignored,
    read,
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


def test_the_policys_bot_suffixes_decide_who_is_a_bot() -> None:
    delivery = issue_delivery(user("deploy-ci"))

    assert isinstance(read("issues", delivery, bots=("[bot]", "-ci")), Ignored)
    assert isinstance(read("issues", delivery), ContributionSeen)
