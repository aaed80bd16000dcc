"""Repository collaborators and their invitations, from both sides, and repositories from templates."""

from __future__ import annotations

from dataclasses import dataclass

from localgithub import access
from localgithub.errors import Forbidden, NotFound, ValidationFailed
from localgithub.permissions import Permission
from localgithub.state import Account, Invitation, Repo, State, now


@dataclass(frozen=True)
class Added:
    """The outcome of adding a collaborator: an invitation to wait on, or access granted at once."""

    invitation: Invitation | None


def add_collaborator(state: State, *, repo: Repo, login: str, permission: Permission, by: Account) -> Added:
    """Adds directly where GitHub does (existing collaborators, organization members), else invites."""
    with state.lock:
        access.require(state, repo, by, Permission.ADMIN)
        user = state.user(login)
        owner = state.account(repo.owner)
        if user.login == owner.login:
            raise ValidationFailed(
                resource="Repository",
                field="collaborator",
                code="custom",
                message="Repository owner cannot be a collaborator",
            )
        if user.login in repo.collaborators or user.login in owner.members:
            repo.collaborators[user.login] = permission
            return Added(None)
        pending = pending_invitation(state, repo=repo, login=user.login)
        if pending is not None:
            pending.permission = permission
            return Added(pending)
        invitation = Invitation(state.next_id(), repo.full_name, user.login, by.login, permission, now())
        state.invitations[invitation.id] = invitation
        return Added(invitation)


def remove_collaborator(state: State, *, repo: Repo, login: str, by: Account) -> None:
    """Also cancels a pending invitation, as GitHub does; people may always remove themselves."""
    with state.lock:
        user = state.user(login)
        if user.login != by.login:
            access.require(state, repo, by, Permission.ADMIN)
        repo.collaborators.pop(user.login, None)
        pending = pending_invitation(state, repo=repo, login=user.login)
        if pending is not None:
            del state.invitations[pending.id]


def pending_invitation(state: State, *, repo: Repo, login: str) -> Invitation | None:
    matches = (i for i in state.invitations.values() if i.repo == repo.full_name and i.invitee == login)
    return next(matches, None)


def repo_invitations(state: State, *, repo: Repo, by: Account) -> list[Invitation]:
    with state.lock:
        access.require(state, repo, by, Permission.ADMIN)
        return [i for i in state.invitations.values() if i.repo == repo.full_name]


def update_invitation(
    state: State, *, repo: Repo, invitation_id: int, permission: Permission, by: Account
) -> Invitation:
    with state.lock:
        access.require(state, repo, by, Permission.ADMIN)
        invitation = _invitation_of_repo(state, repo, invitation_id)
        invitation.permission = permission
        return invitation


def delete_invitation(state: State, *, repo: Repo, invitation_id: int, by: Account) -> None:
    with state.lock:
        access.require(state, repo, by, Permission.ADMIN)
        del state.invitations[_invitation_of_repo(state, repo, invitation_id).id]


def _invitation_of_repo(state: State, repo: Repo, invitation_id: int) -> Invitation:
    invitation = state.invitations.get(invitation_id)
    if invitation is None or invitation.repo != repo.full_name:
        raise NotFound()
    return invitation


def invitations_for(state: State, *, user: Account) -> list[Invitation]:
    with state.lock:
        return [i for i in state.invitations.values() if i.invitee == user.login]


def accept_invitation(state: State, *, invitation_id: int, user: Account) -> None:
    with state.lock:
        invitation = _invitation_for(state, invitation_id, user)
        repo = state.repos[invitation.repo.lower()]
        repo.collaborators[user.login] = invitation.permission
        del state.invitations[invitation.id]


def decline_invitation(state: State, *, invitation_id: int, user: Account) -> None:
    with state.lock:
        del state.invitations[_invitation_for(state, invitation_id, user).id]


def _invitation_for(state: State, invitation_id: int, user: Account) -> Invitation:
    invitation = state.invitations.get(invitation_id)
    if invitation is None or invitation.invitee != user.login:
        raise NotFound()
    return invitation


def generate_from_template(
    state: State, *, template: Repo, owner: str, name: str, private: bool, description: str, by: Account
) -> Repo:
    """The creator gets admin on the new repository, as on GitHub, unless they already own it."""
    with state.lock:
        if not access.can_see(state, template, by):
            raise NotFound()
        if not template.is_template:
            raise ValidationFailed(
                resource="Repository",
                field="template_repository",
                code="custom",
                message=f"{template.full_name} is not a template repository",
            )
        account = state.account(owner)
        if account.login != by.login and by.login not in account.members:
            raise Forbidden(f"You cannot create repositories in {account.login}.")
        if f"{account.login}/{name}".lower() in state.repos:
            raise ValidationFailed(
                resource="Repository",
                field="name",
                code="custom",
                message="name already exists on this account",
                summary="Repository creation failed.",
            )
        repo = Repo(
            state.next_id(),
            account.login,
            name,
            description,
            private,
            False,
            template.default_branch,
            now(),
            template=template.full_name,
            files=dict(template.files),
        )
        if account.login != by.login and account.members.get(by.login) != "admin":
            repo.collaborators[by.login] = Permission.ADMIN
        state.add_repo(repo)
        return repo
