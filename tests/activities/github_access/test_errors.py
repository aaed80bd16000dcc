"""Every GitHub failure reaches Temporal as an error that says whether to retry and what to fix."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import github
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from activities.access_contracts import GitHubAccess, GitHubState, TargetRef
from activities.github import GitHubActivities
from activities.github_client import (
    API_PERMISSION,
    PERMISSIONS,
    SERVER_ERROR_RETRY,
    github_from_settings,
    rate_limit_wait,
)
from domain.errors import ConfigError
from tests.activities.github_access.helpers import (
    ORG,
    TOKEN,
    VOLUNTEERS,
    failure,
    invitations,
    repo,
    retried_until_done,
    team,
)
from tests.conftest import free_port
from tests.github_server import LocalGitHub


def test_an_unknown_repository_or_team_is_not_found_for_good(acts: GitHubActivities) -> None:
    missing_repo = failure(lambda: acts.apply_github_access(repo("linus", name="nope")))
    assert (missing_repo.type, missing_repo.non_retryable) == ("NotFound", True)
    assert f"GitHub has no repository {ORG}/nope" in missing_repo.message
    missing_team = failure(lambda: acts.read_github_access(team("linus", slug="nobody")))
    assert (missing_team.type, missing_team.non_retryable) == ("NotFound", True)
    assert f"team {ORG}/nobody" in missing_team.message
    missing_user = failure(lambda: acts.apply_github_access(repo("no-such-person")))
    assert "GitHub has no user no-such-person" in missing_user.message


def test_bad_credentials_name_the_settings_to_fix(connect: Callable[..., GitHubActivities]) -> None:
    error = failure(lambda: connect(token="wrong-token").apply_github_access(repo("linus")))
    assert (error.type, error.non_retryable) == ("GitHubConfiguration", True)
    assert "PERENNIAL_GITHUB_TOKEN" in error.message


def test_a_missing_right_is_named(connect: Callable[..., GitHubActivities]) -> None:
    grace = connect(token="local-grace-token")
    error = failure(lambda: grace.apply_github_access(repo("linus")))
    assert (error.type, error.non_retryable) == ("GitHubForbidden", True)
    assert "Must have admin rights to Repository." in error.message
    assert f"admin on the repository {ORG}/website" in error.message


def test_githubs_refusal_is_final_and_quoted(
    server: LocalGitHub, connect: Callable[..., GitHubActivities]
) -> None:
    client = github_from_settings(base_url=server.url, token=TOKEN)
    try:
        from_a_plain_repo = GitHubActivities(client, ORG, sandbox_template="website")
        error = failure(
            lambda: from_a_plain_repo.apply_github_access(GitHubAccess("sandbox", "s", "linus", "admin"))
        )
    finally:
        client.close()
    assert (error.type, error.non_retryable) == ("GitHubRejected", True)
    assert f"{ORG}/website is not a template repository" in error.message


def test_an_unknown_permission_is_refused_before_asking_github(acts: GitHubActivities) -> None:
    error = failure(lambda: acts.apply_github_access(repo("linus", "owner")))
    assert (error.type, error.non_retryable) == ("Rejected", True)


def test_the_primary_rate_limit_is_retried_when_the_budget_resets(
    server: LocalGitHub, acts: GitHubActivities
) -> None:
    server.set_faults(rate_limit_share=1.0)
    error = failure(lambda: acts.read_github_access(repo("linus")))
    assert (error.type, error.non_retryable) == ("RateLimited", False)
    assert error.next_retry_delay is not None
    assert timedelta(0) < error.next_retry_delay <= timedelta(hours=1)


def test_a_secondary_rate_limit_is_retried_after_the_wait_github_names(
    server: LocalGitHub, acts: GitHubActivities
) -> None:
    server.set_faults(secondary_rate_limit_share=1.0, retry_after_seconds=7)
    error = failure(lambda: acts.apply_github_access(team("linus")))
    assert (error.type, error.non_retryable, error.next_retry_delay) == (
        "RateLimited",
        False,
        timedelta(seconds=7),
    )


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after": "0"}, 1),
        ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1090"}, 90),
        ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "999999"}, 3600),
        ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "900"}, 1),
        ({}, 60),
    ],
)
def test_the_rate_limit_wait_is_githubs_bounded_to_a_second_and_an_hour(
    headers: dict[str, str], seconds: int
) -> None:
    assert rate_limit_wait(headers, now=1000) == timedelta(seconds=seconds)


def test_server_errors_are_retried(server: LocalGitHub, acts: GitHubActivities) -> None:
    server.set_faults(server_error_share=1.0)
    error = failure(lambda: acts.list_github_holders(TargetRef("repo", "website")))
    assert (error.type, error.non_retryable) == ("GitHubUnavailable", False)


def test_an_unreachable_or_slow_github_is_retried(
    server: LocalGitHub, connect: Callable[..., GitHubActivities]
) -> None:
    refused = failure(
        lambda: connect(base_url=f"http://127.0.0.1:{free_port()}").read_github_access(repo("ada"))
    )
    assert (refused.type, refused.non_retryable) == ("GitHubUnavailable", False)
    server.set_faults(latency_seconds=1.2)
    slow = failure(lambda: connect(timeout_seconds=1).read_github_access(repo("ada")))
    assert (slow.type, slow.non_retryable) == ("GitHubUnavailable", False)


def test_fifty_grants_converge_through_injected_server_errors(
    server: LocalGitHub, connect: Callable[..., GitHubActivities]
) -> None:
    acts = connect(
        request_retry=SERVER_ERROR_RETRY.new(backoff_factor=0)
    )  # the same retries, without sleeping
    wanted = {login: PERMISSIONS[n % len(PERMISSIONS)] for n, login in enumerate(VOLUNTEERS)}
    # Each request is retried a few times on 5xx inside the client; at this share some attempts still
    # fail as a whole, and the caller's retry (Temporal's, in production) finishes the job.
    server.set_faults(server_error_share=0.6, random_seed=2024)
    retries = 0
    for login, permission in wanted.items():
        state, tries = retried_until_done(lambda: acts.apply_github_access(repo(login, permission)))  # noqa: B023
        assert state == GitHubState("invited", permission)
        retries += tries
    holders, _ = retried_until_done(lambda: acts.list_github_holders(TargetRef("repo", "website")))
    server.set_faults(server_error_share=0.0)

    assert retries > 10
    assert invitations(server) == {login: [API_PERMISSION[p]] for login, p in wanted.items()}
    invited = {h.login: h.permission for h in holders if h.state == "invited"}
    assert invited == wanted


def test_the_factory_signs_in_as_a_github_app_installation(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / "app.pem").write_bytes(pem)
    client = github_from_settings(
        base_url="http://127.0.0.1:1",
        token=None,
        app_id=1,
        private_key_path=tmp_path / "app.pem",
        installation_id=2,
    )
    try:
        assert isinstance(client.requester.auth, github.Auth.AppInstallationAuth)
    finally:
        client.close()
    with pytest.raises(ConfigError, match="PERENNIAL_GITHUB_APP_PRIVATE_KEY_PATH"):
        github_from_settings(base_url="http://127.0.0.1:1", token=None, app_id=1)
