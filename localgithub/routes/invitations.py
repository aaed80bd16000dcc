"""Repository invitations, from the repository's side (admins) and from the invitee's side."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from localgithub import collaboration
from localgithub.deps import CurrentUser, PageDep, RenderDep, RepoDep, WorldDep
from localgithub.permissions import PermissionName
from localgithub.shapes import Json

router = APIRouter(tags=["invitations"])
NO_CONTENT = 204


@router.get("/repos/{owner}/{repo}/invitations")
async def list_repo_invitations(
    repo: RepoDep, user: CurrentUser, render: RenderDep, page: PageDep
) -> list[Json]:
    """Admins of the repository."""
    found = collaboration.repo_invitations(render.state, repo=repo, by=user)
    with render.state.lock:
        return [render.invitation(invitation) for invitation in page.of(found)]


@router.patch("/repos/{owner}/{repo}/invitations/{invitation_id}")
async def update_invitation(
    repo: RepoDep,
    invitation_id: int,
    user: CurrentUser,
    render: RenderDep,
    permissions: Annotated[PermissionName, Body(embed=True)],
) -> Json:
    """Admins of the repository; `permissions` takes read, triage, write, maintain or admin."""
    invitation = collaboration.update_invitation(
        render.state, repo=repo, invitation_id=invitation_id, permission=permissions, by=user
    )
    with render.state.lock:
        return render.invitation(invitation)


@router.delete("/repos/{owner}/{repo}/invitations/{invitation_id}", status_code=NO_CONTENT)
async def delete_invitation(repo: RepoDep, invitation_id: int, user: CurrentUser, world: WorldDep) -> None:
    """Admins of the repository."""
    collaboration.delete_invitation(world, repo=repo, invitation_id=invitation_id, by=user)


@router.get("/user/repository_invitations")
async def list_my_invitations(user: CurrentUser, render: RenderDep, page: PageDep) -> list[Json]:
    """The invitee."""
    found = collaboration.invitations_for(render.state, user=user)
    with render.state.lock:
        return [render.invitation(invitation) for invitation in page.of(found)]


@router.patch("/user/repository_invitations/{invitation_id}", status_code=NO_CONTENT)
async def accept_invitation(invitation_id: int, user: CurrentUser, world: WorldDep) -> None:
    """The invitee, who becomes a collaborator with the invitation's permission."""
    collaboration.accept_invitation(world, invitation_id=invitation_id, user=user)


@router.delete("/user/repository_invitations/{invitation_id}", status_code=NO_CONTENT)
async def decline_invitation(invitation_id: int, user: CurrentUser, world: WorldDep) -> None:
    """The invitee."""
    collaboration.decline_invitation(world, invitation_id=invitation_id, user=user)
