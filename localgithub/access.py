"""Who may do what on a repository: effective permissions, and the guards routes call."""

from __future__ import annotations

from typing import Literal

from localgithub import permissions
from localgithub.errors import Forbidden, NotFound
from localgithub.permissions import Permission
from localgithub.state import Account, Repo, State

Affiliation = Literal["all", "direct", "outside"]


def permission_of(state: State, repo: Repo, login: str) -> Permission | None:
    """The highest of: ownership, organization role and default, teams, and direct collaboration."""
    owner = state.account(repo.owner)
    if owner.login == login:
        return Permission.ADMIN
    direct = repo.collaborators.get(login)
    if not owner.is_org or login not in owner.members:
        return direct
    if owner.members[login] == "admin":
        return Permission.ADMIN
    through_teams = [
        team.repos[repo.full_name]
        for team in owner.teams.values()
        if repo.full_name in team.repos and login in {m.login for m in team.active_members()}
    ]
    return permissions.highest(direct, owner.default_repository_permission, *through_teams)


def can_see(state: State, repo: Repo, user: Account | None) -> bool:
    return not repo.private or (user is not None and permission_of(state, repo, user.login) is not None)


def require(state: State, repo: Repo, user: Account, needed: Permission) -> None:
    """Raises 404 where the caller may not even see the repository, 403 where they lack the role."""
    if not can_see(state, repo, user):
        raise NotFound()
    held = permission_of(state, repo, user.login)
    if held is None or not held.includes(needed):
        raise Forbidden(f"Must have {needed.role_name} rights to Repository.")


def collaborators(state: State, repo: Repo, affiliation: Affiliation) -> list[tuple[Account, Permission]]:
    owner = state.account(repo.owner)
    if affiliation == "direct":
        logins = set(repo.collaborators)
    elif affiliation == "outside":
        logins = {login for login in repo.collaborators if login not in owner.members}
    else:
        logins = set(repo.collaborators) | set(owner.members) | {owner.login}
    found = []
    for login in logins:
        account = state.account(login)
        if account.is_org:
            continue
        permission = permission_of(state, repo, login)
        if permission is not None:
            found.append((account, permission))
    return sorted(found, key=lambda pair: pair[0].id)


def require_org_owner(org: Account, user: Account) -> None:
    if org.members.get(user.login) != "admin":
        raise Forbidden(f"You must be an owner of {org.login} to do this.")
