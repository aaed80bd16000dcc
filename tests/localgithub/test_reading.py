"""Reading users, organizations, teams, repositories and pulls through the real PyGithub."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import github
import pytest

from tests.localgithub.conftest import ADMIN, OLGA, LocalGitHub


def test_the_authenticated_user_is_the_tokens_owner(admin: github.Github) -> None:
    me = admin.get_user()
    assert (me.login, me.name, me.type) == ("octo-admin", "Octo Admin", "User")
    assert isinstance(me.created_at, datetime)


def test_users_and_organizations_are_found_by_login(admin: github.Github) -> None:
    assert admin.get_user("maria").name == "Maria"
    assert admin.get_user("ACME").type == "Organization"


def test_organization_members_page_through_link_headers(github_as: Callable[..., github.Github]) -> None:
    org = github_as(ADMIN, per_page=2).get_organization("acme")
    assert org.name == "Acme Volunteers"
    members = org.get_members()
    assert [member.login for member in members] == ["octo-admin", "maria", "sam"]
    assert members.totalCount == 3
    assert [member.login for member in org.get_members(role="admin")] == ["octo-admin"]
    assert org.has_in_members(github_as(ADMIN).get_user("sam"))
    assert not org.has_in_members(github_as(ADMIN).get_user("olga"))


def test_a_team_is_the_same_by_slug_by_id_and_by_its_url(
    local_github: LocalGitHub, admin: github.Github
) -> None:
    org = admin.get_organization("acme")
    team = org.get_team_by_slug("devs")
    assert (team.name, team.slug, team.organization.login, team.members_count) == (
        "Developers",
        "devs",
        "acme",
        2,
    )
    assert team.url == f"{local_github.url}/organizations/{org.id}/team/{team.id}"
    assert org.get_team(team.id).slug == "devs"
    assert [t.slug for t in org.get_teams()] == ["devs", "docs"]
    assert [m.login for m in team.get_members()] == ["maria", "sam"]
    assert [m.login for m in team.get_members(role="maintainer")] == ["maria"]


def test_a_repository_carries_its_owner_and_the_callers_permissions(admin: github.Github) -> None:
    repo = admin.get_repo("acme/widgets")
    assert (repo.full_name, repo.owner.login, repo.owner.type, repo.private) == (
        "acme/widgets",
        "acme",
        "Organization",
        False,
    )
    assert repo.organization.login == "acme"
    assert repo.permissions.admin and not admin.get_repo("acme/plain").is_template
    assert admin.get_repo("acme/sandbox-template").is_template


def test_private_repositories_are_not_found_by_outsiders(github_as: Callable[..., github.Github]) -> None:
    assert github_as(ADMIN).get_repo("acme/secret").private
    with pytest.raises(github.UnknownObjectException) as raised:
        github_as(OLGA).get_repo("acme/secret")
    assert raised.value.status == 404
    assert raised.value.data["message"] == "Not Found"


def test_pulls_are_listed_by_state_newest_first_with_their_reviews(admin: github.Github) -> None:
    repo = admin.get_repo("acme/widgets")
    assert [pull.number for pull in repo.get_pulls()] == [3, 2]
    assert [pull.number for pull in repo.get_pulls(state="closed")] == [1]
    assert [pull.number for pull in repo.get_pulls(state="all", direction="asc")] == [1, 2, 3]
    first = repo.get_pull(1)
    assert (first.merged, first.user.login, first.merged_at) == (True, "sam", first.closed_at)
    assert repo.get_pull(3).draft
    reviews = repo.get_pull(2).get_reviews()
    assert [(review.user.login, review.state) for review in reviews] == [
        ("sam", "COMMENTED"),
        ("maria", "CHANGES_REQUESTED"),
    ]
    with pytest.raises(github.UnknownObjectException):
        repo.get_pull(99)


def test_the_rate_limit_counts_down_and_reading_it_is_free(admin: github.Github) -> None:
    before = admin.get_rate_limit()
    admin.get_user("maria")
    after = admin.get_rate_limit()
    assert before.resources.core.limit == 5000
    assert after.resources.core.remaining == before.resources.core.remaining - 1
    assert after.rate.remaining == after.resources.core.remaining
    assert after.resources.search.limit == 30
    remaining, limit = admin.rate_limiting
    assert (remaining, limit) == (after.resources.core.remaining, 5000)
    assert admin.rate_limiting_resettime > datetime.now().timestamp()


def test_an_unknown_token_is_refused_as_bad_credentials(github_as: Callable[..., github.Github]) -> None:
    with pytest.raises(github.BadCredentialsException) as raised:
        github_as("not-a-token").get_user("maria")
    assert raised.value.status == 401


def test_anonymous_callers_may_read_public_data_only(github_as: Callable[..., github.Github]) -> None:
    anonymous = github_as(None)
    assert anonymous.get_repo("acme/widgets").name == "widgets"
    assert anonymous.rate_limiting[1] == 60
    with pytest.raises(github.GithubException) as raised:
        anonymous.get_user().login  # noqa: B018
    assert (raised.value.status, raised.value.data["message"]) == (401, "Requires authentication")


def test_unknown_routes_answer_like_github(local_github: LocalGitHub) -> None:
    response = local_github.control.get("/no/such/route")
    assert response.status_code == 404
    assert response.json()["message"] == "Not Found"
    assert response.headers["X-RateLimit-Resource"] == "core"
