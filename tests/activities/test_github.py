"""GitHub access through the real PyGithub against the local GitHub: grants converge, repeat harmlessly,
and every failure reaches Temporal as an error that says whether to retry and what to fix."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import github
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from temporalio.exceptions import ApplicationError

from activities.access_contracts import GitHubAccess, GitHubState, Holder, TargetRef
from activities.github import PRACTICE_DATA, GitHubActivities
from activities.github_client import (
    API_PERMISSION,
    PERMISSIONS,
    SERVER_ERROR_RETRY,
    github_from_settings,
    rate_limit_wait,
)
from domain.errors import ConfigError
from localgithub.app import EXAMPLE_SEED
from localgithub.models import seed as seed_file
from tests.conftest import free_port
from tests.github_server import LocalGitHub, running
from tests.github_server import connect as connect_github

ORG = "perennial-demo"
TOKEN = "local-admin-token"
VOLUNTEERS = [f"volunteer-{n:02d}" for n in range(1, 51)]
T = TypeVar("T")


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


def test_an_outsider_is_invited_and_holds_the_permission_once_they_accept(
    server: LocalGitHub, acts: GitHubActivities
) -> None:
    assert acts.apply_github_access(repo("linus")) == GitHubState("invited", "write")
    assert acts.read_github_access(repo("linus")) == GitHubState("invited", "write")
    assert server.accept_invitations("linus")["repositories"] == [f"{ORG}/website"]
    assert acts.read_github_access(repo("linus")) == GitHubState("active", "write")


def test_applying_twice_changes_nothing(server: LocalGitHub, acts: GitHubActivities) -> None:
    acts.apply_github_access(repo("linus", "triage"))
    before = server.state()
    assert acts.apply_github_access(repo("linus", "triage")) == GitHubState("invited", "triage")
    assert server.state() == before
    assert invitations(server) == {"linus": ["triage"]}


def test_a_pending_invitation_is_changed_not_repeated(server: LocalGitHub, acts: GitHubActivities) -> None:
    acts.apply_github_access(repo("linus", "write"))
    assert acts.apply_github_access(repo("linus", "read")) == GitHubState("invited", "read")
    assert invitations(server) == {"linus": ["pull"]}


def test_an_existing_collaborator_is_lowered_without_an_invitation(
    server: LocalGitHub, acts: GitHubActivities
) -> None:
    acts.apply_github_access(repo("linus", "write"))
    server.accept_invitations("linus")
    assert acts.apply_github_access(repo("linus", "read")) == GitHubState("active", "read")
    assert acts.read_github_access(repo("linus", "read")) == GitHubState("active", "read")
    assert invitations(server) == {}


def test_an_organization_member_gets_repository_access_at_once(acts: GitHubActivities) -> None:
    assert acts.apply_github_access(repo("grace", "maintain", "infra")) == GitHubState("active", "maintain")


def test_removing_ends_access_or_the_invitation_and_may_be_repeated(
    server: LocalGitHub, acts: GitHubActivities
) -> None:
    acts.apply_github_access(repo("linus"))
    server.accept_invitations("linus")
    acts.apply_github_access(repo("volunteer-01"))
    for login in ("linus", "volunteer-01"):
        assert acts.remove_github_access(repo(login)) == GitHubState("none")
        assert acts.read_github_access(repo(login)) == GitHubState("none")
        assert acts.remove_github_access(repo(login)) == GitHubState("none")
    assert invitations(server) == {}
    assert "linus" not in server.state()["repos"][1]["collaborators"]


def test_an_organization_member_joins_a_team_at_once_and_an_outsider_is_invited(
    server: LocalGitHub, acts: GitHubActivities
) -> None:
    assert acts.apply_github_access(team("ada")) == GitHubState("active", "write")
    assert acts.apply_github_access(team("linus")) == GitHubState("invited", "write")
    assert acts.apply_github_access(team("linus")) == GitHubState("invited", "write")
    server.accept_invitations("linus")
    assert acts.read_github_access(team("linus")) == GitHubState("active", "write")


def test_maintain_and_admin_make_a_team_maintainer(server: LocalGitHub, acts: GitHubActivities) -> None:
    acts.apply_github_access(team("grace", "admin"))
    members = server.state()["orgs"][0]["teams"][1]["members"]
    assert members["grace"] == {"role": "maintainer", "state": "active"}
    assert acts.read_github_access(team("grace", "maintain")) == GitHubState("active", "maintain")
    assert acts.read_github_access(team("grace", "write")) == GitHubState("active", "maintain")


def test_leaving_a_team_is_idempotent(acts: GitHubActivities) -> None:
    assert acts.remove_github_access(team("grace")) == GitHubState("none")
    assert acts.read_github_access(team("grace")) == GitHubState("none")
    assert acts.remove_github_access(team("grace")) == GitHubState("none")


def test_a_sandbox_is_made_from_the_template_once_and_given_to_its_holder(
    server: LocalGitHub, acts: GitHubActivities
) -> None:
    sandbox = GitHubAccess("sandbox", "sandbox-linus", "linus", "admin")
    assert acts.read_github_access(sandbox) == GitHubState("none")
    assert acts.list_github_holders(TargetRef("sandbox", "sandbox-linus")) == []
    assert acts.apply_github_access(sandbox) == GitHubState("invited", "admin")
    made = [r for r in server.state()["repos"] if r["full_name"] == f"{ORG}/sandbox-linus"]
    assert [r["template"] for r in made] == [f"{ORG}/sandbox-template"]

    assert acts.apply_github_access(sandbox) == GitHubState("invited", "admin")
    again = [r for r in server.state()["repos"] if r["full_name"] == f"{ORG}/sandbox-linus"]
    assert again == made
    assert invitations(server, f"{ORG}/sandbox-linus") == {"linus": ["admin"]}
    practice = connect_github(server.url, TOKEN).get_repo(f"{ORG}/sandbox-linus").get_contents(PRACTICE_DATA)
    rows = practice.decoded_content.decode().splitlines()  # type: ignore[union-attr]
    assert rows[0].startswith("volunteer_id,first_name") and len(rows) == 61
    assert all("@example.invalid" in row for row in rows[1:])  # synthetic people only


def test_a_repository_not_made_from_the_template_is_not_handed_out_as_a_sandbox(
    server: LocalGitHub, acts: GitHubActivities
) -> None:
    error = failure(lambda: acts.apply_github_access(GitHubAccess("sandbox", "website", "linus", "admin")))
    assert (error.type, error.non_retryable) == ("SandboxNameTaken", True)
    assert invitations(server) == {}


def test_the_holders_of_a_repository_and_of_a_team(server: LocalGitHub, acts: GitHubActivities) -> None:
    acts.apply_github_access(repo("linus", "write"))
    acts.apply_github_access(repo("ada", "read"))
    holders = acts.list_github_holders(TargetRef("repo", "website"))
    assert sorted(holders, key=lambda h: h.login) == [
        # ada's team makes her an admin of the website, and GitHub reports the highest permission.
        Holder("ada", "admin", "active"),
        Holder("linus", "write", "invited"),
        Holder("margaret", "triage", "active"),
    ]
    acts.apply_github_access(team("ada", "maintain"))
    assert acts.list_github_holders(TargetRef("team", "contributors")) == [
        Holder("ada", "maintain", "active"),
        Holder("grace", "write", "active"),
    ]


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
