"""Granting, changing and removing GitHub access through the real PyGithub against the local GitHub:
grants converge and repeat harmlessly."""

from __future__ import annotations

from activities.access_contracts import GitHubAccess, GitHubState, Holder, TargetRef
from activities.github import PRACTICE_DATA, GitHubActivities
from tests.activities.github_access.helpers import (
    ORG,
    TOKEN,
    failure,
    invitations,
    repo,
    team,
)
from tests.github_server import LocalGitHub
from tests.github_server import connect as connect_github


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
