"""Accounts: the token's own user, and anyone by login (organizations answer as type Organization)."""

from __future__ import annotations

from fastapi import APIRouter

from localgithub.deps import CurrentUser, OptionalUser, RenderDep, WorldDep
from localgithub.shapes import Json

router = APIRouter(tags=["users"])


@router.get("/user")
async def get_authenticated_user(user: CurrentUser, render: RenderDep) -> Json:
    """Token holders only."""
    with render.state.lock:
        return render.user_detail(user) | {"two_factor_authentication": True}


@router.get("/users/{username}")
async def get_user(username: str, _: OptionalUser, world: WorldDep, render: RenderDep) -> Json:
    """Anyone."""
    with world.lock:
        return render.user_detail(world.account(username))
