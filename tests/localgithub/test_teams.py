"""Team memberships, as PyGithub 2 calls them, and team access to repositories."""

from __future__ import annotations

from collections.abc import Callable

import github
import pytest

from tests.localgithub.conftest import MARIA, SAM, LocalGitHub

Connect = Callable[..., github.Github]


def devs(client: github.Github) -> github.Team.Team:
    return client.get_organization("acme").get_team_by_slug("devs")


def test_an_organization_member_joins_a_team_at_once(admin: github.Github) -> None:
    team = admin.get_organization("acme").get_team_by_slug("docs")
    sam = admin.get_user("sam")
    team.add_membership(sam, role="maintainer")
    membership = team.get_team_membership("sam")
    assert (membership.role, membership.state) == ("maintainer", "active")
    assert team.has_in_members(sam)


def test_an_outsider_stays_pending_until_they_accept_the_organization_invitation(
    local_github: LocalGitHub, admin: github.Github
) -> None:
    team = devs(admin)
    newbie = admin.get_user("newbie")
    team.add_membership(newbie)
    assert team.get_team_membership("newbie").state == "pending"
    assert not team.has_in_members(newbie)
    assert "newbie" not in [member.login for member in team.get_members()]

    accepted = local_github.control.post("/_local/users/newbie/accept-invitations").json()
    assert accepted["teams"] == ["acme/devs"]
    assert team.get_team_membership("newbie").state == "active"
    assert admin.get_organization("acme").has_in_members(newbie)
    assert admin.get_repo("acme/widgets").get_collaborator_role_name("newbie") == "write"


def test_removing_a_membership_ends_it(admin: github.Github) -> None:
    team = devs(admin)
    team.remove_membership(admin.get_user("sam"))
    assert not team.has_in_members(admin.get_user("sam"))
    with pytest.raises(github.UnknownObjectException):
        team.get_team_membership("sam")


def test_team_maintainers_manage_members_and_plain_members_may_not(github_as: Connect) -> None:
    devs(github_as(MARIA)).add_membership(github_as(MARIA).get_user("olga"))
    with pytest.raises(github.GithubException) as raised:
        devs(github_as(SAM)).add_membership(github_as(SAM).get_user("olga"))
    assert raised.value.status == 403


def test_a_member_may_leave_a_team_on_their_own(local_github: LocalGitHub, admin: github.Github) -> None:
    response = local_github.control.delete("/_local/orgs/acme/teams/devs/members/sam")
    assert response.status_code == 204
    assert not devs(admin).has_in_members(admin.get_user("sam"))


def test_team_permission_on_a_repository_reaches_its_members(admin: github.Github) -> None:
    team = devs(admin)
    secret = admin.get_repo("acme/secret")
    assert team.get_repo_permission(secret) is None
    assert team.update_team_repository(secret, "maintain")
    permission = team.get_repo_permission(secret)
    assert permission is not None and permission.maintain and not permission.admin
    assert team.has_in_repos(secret)
    assert {repo.full_name: repo.role_name for repo in team.get_repos()} == {
        "acme/widgets": "write",
        "acme/secret": "maintain",
    }
    assert secret.get_collaborator_role_name("sam") == "maintain"


def test_the_legacy_team_paths_are_served(admin: github.Github) -> None:
    team = devs(admin)
    _, by_id = admin.requester.requestJsonAndCheck("GET", f"/teams/{team.id}/members")
    _, by_slug = admin.requester.requestJsonAndCheck("GET", "/orgs/acme/teams/devs/members")
    assert [user["login"] for user in by_id] == [user["login"] for user in by_slug] == ["maria", "sam"]
