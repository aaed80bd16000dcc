"""A team's members, memberships and repositories.

Mounted three times, because GitHub serves a team at /orgs/{org}/teams/{slug}, at the legacy
/teams/{id}, and at /organizations/{org_id}/team/{id}: the `url` in a team's JSON, which PyGithub
builds every later call on.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Header, Response

from localgithub import teams
from localgithub.deps import CurrentUser, OptionalUser, PageDep, RenderDep, RepoDep, TeamDep, WorldDep
from localgithub.errors import NotFound
from localgithub.permissions import Permission, PermissionName
from localgithub.shapes import Json
from localgithub.state import TeamRole

router = APIRouter(tags=["teams"])
PREFIXES = ("/orgs/{org}/teams/{slug}", "/teams/{team_id}", "/organizations/{org_id}/team/{team_id}")
NO_CONTENT = 204
REPOSITORY_MEDIA_TYPE = "application/vnd.github.v3.repository+json"


@router.get("")
async def get_team(team: TeamDep, _: OptionalUser, render: RenderDep) -> Json:
    """Anyone."""
    with render.state.lock:
        return render.team(team)


@router.get("/members")
async def list_members(
    team: TeamDep,
    _: OptionalUser,
    world: WorldDep,
    render: RenderDep,
    page: PageDep,
    role: Literal["all", "member", "maintainer"] = "all",
) -> list[Json]:
    """Anyone; active members only, as on GitHub."""
    found = teams.members(world, team=team, role=role)
    with world.lock:
        return [render.user(member) for member in page.of(found)]


@router.get("/members/{username}", status_code=NO_CONTENT)
async def check_member(team: TeamDep, username: str, _: OptionalUser, world: WorldDep) -> None:
    """Anyone: 204 for an active member, 404 otherwise (PyGithub's `Team.has_in_members`)."""
    if teams.membership(world, team=team, login=username).state != "active":
        raise NotFound()


@router.put("/members/{username}", status_code=NO_CONTENT)
async def add_member(team: TeamDep, username: str, user: CurrentUser, world: WorldDep) -> None:
    """Organization owners and team maintainers (the legacy form of adding a membership)."""
    teams.set_membership(world, team=team, login=username, role="member", by=user)


@router.delete("/members/{username}", status_code=NO_CONTENT)
async def remove_member(team: TeamDep, username: str, user: CurrentUser, world: WorldDep) -> None:
    """Organization owners, team maintainers, and the member themself."""
    teams.remove_membership(world, team=team, login=username, by=user)


@router.get("/memberships/{username}")
async def get_membership(team: TeamDep, username: str, _: OptionalUser, render: RenderDep) -> Json:
    """Anyone; pending memberships included."""
    found = teams.membership(render.state, team=team, login=username)
    with render.state.lock:
        return render.membership(team, found)


@router.put("/memberships/{username}")
async def set_membership(
    team: TeamDep,
    username: str,
    user: CurrentUser,
    render: RenderDep,
    role: Annotated[TeamRole, Body(embed=True)] = "member",
) -> Json:
    """Organization owners and team maintainers."""
    found = teams.set_membership(render.state, team=team, login=username, role=role, by=user)
    with render.state.lock:
        return render.membership(team, found)


@router.delete("/memberships/{username}", status_code=NO_CONTENT)
async def remove_membership(team: TeamDep, username: str, user: CurrentUser, world: WorldDep) -> None:
    """Organization owners, team maintainers, and the member themself."""
    teams.remove_membership(world, team=team, login=username, by=user)


@router.get("/repos")
async def list_repos(team: TeamDep, _: OptionalUser, render: RenderDep, page: PageDep) -> list[Json]:
    """Anyone; each repository carries the team's permission."""
    found = teams.repos(render.state, team=team)
    with render.state.lock:
        return [render.repo(repo, permission=permission) for repo, permission in page.of(found)]


@router.get("/repos/{owner}/{repo}", response_model=None)
async def check_repo(
    team: TeamDep, repo: RepoDep, render: RenderDep, accept: Annotated[str, Header()] = ""
) -> Json | Response:
    """Anyone who can see the repository: 204, or the repository with the team's permission when the
    client asks for GitHub's repository media type (PyGithub's `Team.get_repo_permission` does)."""
    permission = teams.repo_permission(render.state, team=team, repo=repo)
    if REPOSITORY_MEDIA_TYPE not in accept:
        return Response(status_code=NO_CONTENT)
    with render.state.lock:
        return render.repo(repo, permission=permission)


@router.put("/repos/{owner}/{repo}", status_code=NO_CONTENT)
async def grant_repo(
    team: TeamDep,
    repo: RepoDep,
    user: CurrentUser,
    world: WorldDep,
    permission: Annotated[PermissionName, Body(embed=True)] = Permission.PUSH,
) -> None:
    """Admins of the repository."""
    teams.grant_repo(world, team=team, repo=repo, permission=permission, by=user)


@router.delete("/repos/{owner}/{repo}", status_code=NO_CONTENT)
async def revoke_repo(team: TeamDep, repo: RepoDep, user: CurrentUser, world: WorldDep) -> None:
    """Admins of the repository."""
    teams.revoke_repo(world, team=team, repo=repo, by=user)
