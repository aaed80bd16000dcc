"""Organizations, their members, and their teams."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response

from localgithub import access
from localgithub.deps import OptionalUser, OrgDep, PageDep, RenderDep, WorldDep
from localgithub.errors import NotFound
from localgithub.shapes import Json

router = APIRouter(prefix="/orgs/{org}", tags=["orgs"])


@router.get("")
async def get_org(org: OrgDep, _: OptionalUser, render: RenderDep) -> Json:
    """Anyone."""
    with render.state.lock:
        return render.org(org)


@router.get("/members")
async def list_members(
    org: OrgDep,
    _: OptionalUser,
    world: WorldDep,
    render: RenderDep,
    page: PageDep,
    role: Literal["all", "admin", "member"] = "all",
) -> list[Json]:
    """Anyone; every membership here is public."""
    with world.lock:
        logins = [login for login, held in org.members.items() if role in ("all", held)]
        members = sorted((world.user(login) for login in logins), key=lambda account: account.id)
        return [render.user(member) for member in page.of(members)]


@router.get("/members/{username}")
async def check_member(org: OrgDep, username: str, _: OptionalUser, world: WorldDep) -> Response:
    """Anyone: 204 for a member, 404 otherwise."""
    with world.lock:
        if world.user(username).login not in org.members:
            raise NotFound()
    return Response(status_code=204)


@router.get("/teams")
async def list_teams(org: OrgDep, _: OptionalUser, render: RenderDep, page: PageDep) -> list[Json]:
    """Anyone; this server has no secret teams."""
    with render.state.lock:
        teams = sorted(org.teams.values(), key=lambda team: team.id)
        return [render.team(team, detail=False) for team in page.of(teams)]


@router.get("/repos")
async def list_repos(
    org: OrgDep, user: OptionalUser, world: WorldDep, render: RenderDep, page: PageDep
) -> list[Json]:
    """The organization's repositories the caller can see, oldest first, with the caller's permissions."""
    with world.lock:
        repos = sorted(
            (r for r in world.repos.values() if r.owner == org.login and access.can_see(world, r, user)),
            key=lambda repo: repo.id,
        )
        return [
            render.repo(repo, permission=access.permission_of(world, repo, user.login) if user else None)
            for repo in page.of(repos)
        ]
