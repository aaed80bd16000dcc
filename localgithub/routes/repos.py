"""Repositories, their collaborators, and new repositories from templates."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from localgithub import access, collaboration
from localgithub.deps import CurrentUser, OptionalUser, PageDep, RenderDep, RepoDep, WorldDep
from localgithub.errors import NotFound
from localgithub.permissions import Permission, PermissionName
from localgithub.shapes import Json

router = APIRouter(prefix="/repos/{owner}/{repo}", tags=["repos"])
NO_CONTENT = 204


@router.get("")
async def get_repo(repo: RepoDep, user: OptionalUser, render: RenderDep) -> Json:
    """Anyone who can see it; the caller's own permissions are included."""
    with render.state.lock:
        permission = access.permission_of(render.state, repo, user.login) if user else None
        return render.repo(repo, permission=permission)


@router.get("/collaborators")
async def list_collaborators(
    repo: RepoDep,
    user: CurrentUser,
    render: RenderDep,
    page: PageDep,
    affiliation: access.Affiliation = "all",
    permission: Literal["pull", "triage", "push", "maintain", "admin"] | None = None,
) -> list[Json]:
    """People with push access."""
    with render.state.lock:
        access.require(render.state, repo, user, Permission.PUSH)
        found = access.collaborators(render.state, repo, affiliation)
        chosen = [(account, held) for account, held in found if permission in (None, held.value)]
        return [render.collaborator(account, held) for account, held in page.of(chosen)]


@router.get("/collaborators/{username}", status_code=NO_CONTENT)
async def check_collaborator(repo: RepoDep, username: str, user: CurrentUser, world: WorldDep) -> None:
    """People with push access: 204 if `username` has any access, 404 otherwise."""
    with world.lock:
        access.require(world, repo, user, Permission.PUSH)
        if access.permission_of(world, repo, world.user(username).login) is None:
            raise NotFound()


@router.put("/collaborators/{username}", response_model=None)
async def add_collaborator(
    repo: RepoDep,
    username: str,
    user: CurrentUser,
    render: RenderDep,
    permission: Annotated[PermissionName, Body(embed=True)] = Permission.PUSH,
) -> JSONResponse | Response:
    """Admins. 201 with the invitation (the same one if already pending), or 204 when access is
    granted at once: existing collaborators and organization members."""
    added = collaboration.add_collaborator(
        render.state, repo=repo, login=username, permission=permission, by=user
    )
    if added.invitation is None:
        return Response(status_code=NO_CONTENT)
    with render.state.lock:
        return JSONResponse(render.invitation(added.invitation), status_code=201)


@router.delete("/collaborators/{username}", status_code=NO_CONTENT)
async def remove_collaborator(repo: RepoDep, username: str, user: CurrentUser, world: WorldDep) -> None:
    """Admins, and the collaborator themself."""
    collaboration.remove_collaborator(world, repo=repo, login=username, by=user)


@router.get("/collaborators/{username}/permission")
async def get_permission(repo: RepoDep, username: str, _: CurrentUser, render: RenderDep) -> Json:
    """Anyone who can see the repository. Everyone may read a public repository."""
    with render.state.lock:
        account = render.state.user(username)
        held = access.permission_of(render.state, repo, account.login)
        if held is None and not repo.private:
            held = Permission.PULL
        return {
            "permission": held.legacy_name if held else "none",
            "role_name": held.role_name if held else "none",
            "user": render.collaborator(account, held) if held else render.user(account),
        }


class TemplateCopy(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    owner: str | None = None
    description: str = ""
    private: bool = False


@router.post("/generate", status_code=201)
async def generate_from_template(
    repo: RepoDep, copy: TemplateCopy, user: CurrentUser, render: RenderDep
) -> Json:
    """Anyone who can see the template, into their own account or an organization they belong to."""
    created = collaboration.generate_from_template(
        render.state,
        template=repo,
        owner=copy.owner or user.login,
        name=copy.name,
        private=copy.private,
        description=copy.description,
        by=user,
    )
    with render.state.lock:
        return render.repo(created, permission=Permission.ADMIN)
