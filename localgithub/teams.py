"""Team memberships and team access to repositories."""

from __future__ import annotations

from localgithub import access
from localgithub.errors import Forbidden, NotFound, ValidationFailed
from localgithub.permissions import Permission
from localgithub.state import Account, MembershipState, Repo, State, Team, TeamMembership, TeamRole


def require_maintainer(state: State, team: Team, user: Account) -> None:
    """Organization owners and the team's maintainers manage a team."""
    org = state.org(team.org)
    membership = team.memberships.get(user.login)
    is_maintainer = (
        membership is not None and membership.role == "maintainer" and membership.state == "active"
    )
    if org.members.get(user.login) != "admin" and not is_maintainer:
        raise Forbidden(f"You must be an owner of {org.login} or a maintainer of {team.slug} to do this.")


def membership(state: State, *, team: Team, login: str) -> TeamMembership:
    with state.lock:
        found = team.memberships.get(state.user(login).login)
        if found is None:
            raise NotFound()
        return found


def set_membership(state: State, *, team: Team, login: str, role: TeamRole, by: Account) -> TeamMembership:
    """Organization members join at once; anyone else is invited to the organization, so waits pending."""
    with state.lock:
        require_maintainer(state, team, by)
        user = state.user(login)
        in_org = user.login in state.org(team.org).members
        existing = team.memberships.get(user.login)
        joined: MembershipState = (
            "active" if in_org or (existing and existing.state == "active") else "pending"
        )
        team.memberships[user.login] = TeamMembership(user.login, role, joined)
        return team.memberships[user.login]


def remove_membership(state: State, *, team: Team, login: str, by: Account) -> None:
    with state.lock:
        user = state.user(login)
        if user.login != by.login:
            require_maintainer(state, team, by)
        team.memberships.pop(user.login, None)


def accept_memberships(state: State, *, user: Account) -> list[Team]:
    """The invitee accepts the organization invitation behind each pending team membership."""
    with state.lock:
        accepted = []
        for org in (account for account in state.accounts.values() if account.is_org):
            for team in org.teams.values():
                pending = team.memberships.get(user.login)
                if pending is not None and pending.state == "pending":
                    pending.state = "active"
                    org.members.setdefault(user.login, "member")
                    accepted.append(team)
        return accepted


def members(state: State, *, team: Team, role: str) -> list[Account]:
    with state.lock:
        chosen = [m for m in team.active_members() if role == "all" or m.role == role]
        return sorted((state.user(m.login) for m in chosen), key=lambda account: account.id)


def repos(state: State, *, team: Team) -> list[tuple[Repo, Permission]]:
    with state.lock:
        found = [(state.repos[name.lower()], permission) for name, permission in team.repos.items()]
        return sorted(found, key=lambda pair: pair[0].id)


def repo_permission(state: State, *, team: Team, repo: Repo) -> Permission:
    with state.lock:
        permission = team.repos.get(repo.full_name)
        if permission is None:
            raise NotFound()
        return permission


def grant_repo(state: State, *, team: Team, repo: Repo, permission: Permission, by: Account) -> None:
    """Needs admin on the repository, and the repository must belong to the team's organization."""
    with state.lock:
        access.require(state, repo, by, Permission.ADMIN)
        if repo.owner != team.org:
            raise ValidationFailed(
                resource="Team",
                field="repository",
                code="invalid",
                message=f"{repo.full_name} does not belong to the organization {team.org}",
            )
        team.repos[repo.full_name] = permission


def revoke_repo(state: State, *, team: Team, repo: Repo, by: Account) -> None:
    with state.lock:
        access.require(state, repo, by, Permission.ADMIN)
        team.repos.pop(repo.full_name, None)
