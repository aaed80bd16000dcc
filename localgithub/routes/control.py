"""The control API, not GitHub's: inspect and reset the world, set faults, act as another user.

Open to anyone who can reach the server, which is meant to listen on a loopback address only.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from localgithub import collaboration, teams
from localgithub.deps import WorldDep
from localgithub.errors import NotFound
from localgithub.faults import Faults
from localgithub.ratelimit import Budgets
from localgithub.shapes import Json, iso
from localgithub.state import State

router = APIRouter(prefix="/_local", tags=["control"])


@router.get("/state")
async def dump_state(world: WorldDep) -> Json:
    with world.lock:
        return snapshot(world)


@router.post("/reset")
async def reset(request: Request, world: WorldDep) -> Json:
    """Back to the seed, a fresh hourly budget, and the fault settings the server started with."""
    world.reset()
    budgets: Budgets = request.app.state.budgets
    budgets.reset()
    faults: Faults = request.app.state.faults
    faults.configure(request.app.state.initial_faults)
    with world.lock:
        return snapshot(world)


@router.get("/faults")
async def get_faults(request: Request) -> Json:
    faults: Faults = request.app.state.faults
    return faults.settings.model_dump()


@router.post("/faults")
async def set_faults(request: Request, changes: Annotated[dict[str, Any], Body()]) -> Json:
    """Changes only the fields given, and reseeds the generator."""
    faults: Faults = request.app.state.faults
    try:
        return faults.update(**changes).model_dump()
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from None


@router.post("/users/{login}/accept-invitations")
async def accept_invitations(login: str, world: WorldDep) -> Json:
    """As `login`: accepts every repository invitation and every pending team membership."""
    with world.lock:
        user = world.user(login)
        invitations = collaboration.invitations_for(world, user=user)
        for invitation in invitations:
            collaboration.accept_invitation(world, invitation_id=invitation.id, user=user)
        joined = teams.accept_memberships(world, user=user)
        return {
            "repositories": [invitation.repo for invitation in invitations],
            "teams": [f"{team.org}/{team.slug}" for team in joined],
        }


@router.delete("/orgs/{org}/teams/{slug}/members/{login}", status_code=204)
async def leave_team(org: str, slug: str, login: str, world: WorldDep) -> None:
    """As `login`: leaves the team on their own, as a member may on github.com."""
    with world.lock:
        team = world.org(org).teams.get(slug)
        if team is None:
            raise NotFound()
        teams.remove_membership(world, team=team, login=login, by=world.user(login))


def snapshot(world: State) -> Json:
    accounts = sorted(world.accounts.values(), key=lambda account: account.id)
    return {
        "users": [{"id": a.id, "login": a.login} for a in accounts if not a.is_org],
        "orgs": [
            {
                "id": org.id,
                "login": org.login,
                "members": dict(org.members),
                "teams": [
                    {
                        "id": team.id,
                        "slug": team.slug,
                        "members": {
                            m.login: {"role": m.role, "state": m.state} for m in team.memberships.values()
                        },
                        "repos": {name: permission.value for name, permission in team.repos.items()},
                    }
                    for team in org.teams.values()
                ],
            }
            for org in accounts
            if org.is_org
        ],
        "repos": [
            {
                "id": repo.id,
                "full_name": repo.full_name,
                "private": repo.private,
                "is_template": repo.is_template,
                "template": repo.template,
                "collaborators": {
                    login: permission.value for login, permission in repo.collaborators.items()
                },
                "pulls": sorted(repo.pulls),
            }
            for repo in sorted(world.repos.values(), key=lambda repo: repo.id)
        ],
        "invitations": [
            {
                "id": i.id,
                "repo": i.repo,
                "invitee": i.invitee,
                "inviter": i.inviter,
                "permission": i.permission.value,
                "created_at": iso(i.created_at),
            }
            for i in world.invitations.values()
        ],
    }
