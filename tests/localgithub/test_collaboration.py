"""Collaborators, invitations from both sides, and repositories from templates."""

from __future__ import annotations

from collections.abc import Callable

import github
import pytest

from tests.localgithub.conftest import ADMIN, MARIA, NEWBIE, OLGA, LocalGitHub

Connect = Callable[..., github.Github]


def test_an_invited_user_becomes_a_collaborator_with_the_permission_after_accepting(
    github_as: Connect,
) -> None:
    repo = github_as(ADMIN).get_repo("acme/widgets")
    invitation = repo.add_to_collaborators("newbie", "push")
    assert invitation is not None
    assert (invitation.invitee.login, invitation.inviter.login, invitation.permissions) == (
        "newbie",
        "octo-admin",
        "write",
    )
    assert invitation.repository.full_name == "acme/widgets"
    assert not repo.has_in_collaborators("newbie")
    assert repo.get_collaborator_permission("newbie") == "read"

    newbie = github_as(NEWBIE).get_user()
    assert [pending.id for pending in newbie.get_invitations()] == [invitation.id]
    newbie.accept_invitation(invitation.id)

    assert repo.has_in_collaborators("newbie")
    assert (repo.get_collaborator_permission("newbie"), repo.get_collaborator_role_name("newbie")) == (
        "write",
        "write",
    )
    outside = {user.login: user.role_name for user in repo.get_collaborators(affiliation="outside")}
    assert outside == {"olga": "read", "newbie": "write"}
    assert repo.get_pending_invitations().totalCount == 0


def test_adding_the_same_person_twice_keeps_one_pending_invitation(admin: github.Github) -> None:
    repo = admin.get_repo("acme/secret")
    first = repo.add_to_collaborators("newbie", "pull")
    second = repo.add_to_collaborators("newbie", "admin")
    assert first is not None and second is not None
    assert first.id == second.id
    pending = list(repo.get_pending_invitations())
    assert [(i.id, i.permissions) for i in pending] == [(first.id, "admin")]


def test_adding_an_existing_collaborator_changes_the_permission_without_an_invitation(
    admin: github.Github,
) -> None:
    repo = admin.get_repo("acme/widgets")
    assert repo.add_to_collaborators("olga", "maintain") is None
    assert repo.get_collaborator_role_name("olga") == "maintain"
    assert repo.get_collaborator_permission("olga") == "write"
    assert repo.get_pending_invitations().totalCount == 0


def test_organization_members_are_added_at_once(admin: github.Github) -> None:
    repo = admin.get_repo("acme/secret")
    assert repo.add_to_collaborators("sam", "triage") is None
    direct = {user.login: user.permissions.triage for user in repo.get_collaborators(affiliation="direct")}
    assert direct == {"sam": True}


def test_removing_a_collaborator_ends_access_and_cancels_an_invitation(admin: github.Github) -> None:
    secret = admin.get_repo("acme/secret")
    secret.add_to_collaborators("olga", "push")
    secret.remove_from_collaborators("olga")
    assert secret.get_pending_invitations().totalCount == 0

    widgets = admin.get_repo("acme/widgets")
    widgets.remove_from_collaborators("olga")
    assert not widgets.has_in_collaborators("olga")
    assert "olga" not in [user.login for user in widgets.get_collaborators()]


def test_the_invitee_may_decline_and_an_admin_may_withdraw_or_change_an_invitation(
    github_as: Connect,
) -> None:
    repo = github_as(ADMIN).get_repo("acme/secret")
    declined = repo.add_to_collaborators("newbie", "push")
    assert declined is not None
    github_as(NEWBIE).get_user().requester.requestJsonAndCheck(
        "DELETE", f"/user/repository_invitations/{declined.id}"
    )
    withdrawn = repo.add_to_collaborators("newbie", "push")
    assert withdrawn is not None and withdrawn.id != declined.id
    _, changed = repo.requester.requestJsonAndCheck(
        "PATCH", f"/repos/acme/secret/invitations/{withdrawn.id}", input={"permissions": "maintain"}
    )
    assert changed["permissions"] == "maintain"
    repo.remove_invitation(withdrawn.id)
    assert list(github_as(NEWBIE).get_user().get_invitations()) == []


def test_only_admins_manage_collaborators(github_as: Connect) -> None:
    repo = github_as(MARIA).get_repo("acme/widgets")
    with pytest.raises(github.GithubException) as raised:
        repo.add_to_collaborators("newbie", "push")
    assert raised.value.status == 403
    assert raised.value.data["message"] == "Must have admin rights to Repository."


def test_an_unknown_permission_is_a_validation_error(admin: github.Github) -> None:
    with pytest.raises(github.GithubException) as raised:
        admin.get_repo("acme/widgets").requester.requestJsonAndCheck(
            "PUT", "/repos/acme/widgets/collaborators/newbie", input={"permission": "owner"}
        )
    assert raised.value.status == 422
    assert raised.value.data["errors"][0]["field"] == "permission"


def test_a_repository_is_created_from_a_template_once(admin: github.Github) -> None:
    org = admin.get_organization("acme")
    template = admin.get_repo("acme/sandbox-template")
    created = org.create_repo_from_template("sandbox-newbie", template, description="Mine", private=True)
    assert (created.full_name, created.private, created.description) == ("acme/sandbox-newbie", True, "Mine")
    assert created.template_repository.full_name == "acme/sandbox-template"
    assert not created.is_template
    assert admin.get_repo("acme/sandbox-newbie").id == created.id

    with pytest.raises(github.GithubException) as raised:
        org.create_repo_from_template("sandbox-newbie", template)
    assert raised.value.status == 422
    assert raised.value.data["errors"][0]["message"] == "name already exists on this account"


def test_only_template_repositories_are_copied(admin: github.Github) -> None:
    org = admin.get_organization("acme")
    with pytest.raises(github.GithubException) as raised:
        org.create_repo_from_template("copy", admin.get_repo("acme/plain"))
    assert raised.value.status == 422


def test_a_user_copies_a_template_into_their_own_account_as_admin(github_as: Connect) -> None:
    olga = github_as(OLGA)
    created = olga.get_user().create_repo_from_template("my-sandbox", olga.get_repo("acme/sandbox-template"))
    assert (created.full_name, created.permissions.admin) == ("olga/my-sandbox", True)


def test_the_control_api_accepts_invitations_on_behalf_of_the_invitee(
    local_github: LocalGitHub, admin: github.Github
) -> None:
    repo = admin.get_repo("acme/secret")
    repo.add_to_collaborators("newbie", "triage")
    accepted = local_github.control.post("/_local/users/newbie/accept-invitations").json()
    assert accepted == {"repositories": ["acme/secret"], "teams": []}
    assert repo.get_collaborator_role_name("newbie") == "triage"
