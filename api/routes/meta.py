"""The front door, health, and the read-only policy page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import PUBLIC, OptionalMember, SettingsDep, allow
from api.pages import render
from domain.roles import ADMINS
from models import Member

router = APIRouter(tags=["meta"])


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, me: OptionalMember, _: Annotated[None, PUBLIC]) -> Response:
    if me is not None:
        return RedirectResponse("/journey", status_code=303)
    return render(request, "home.html", {})


@router.get("/healthz")
async def health(_: Annotated[None, PUBLIC]) -> dict[str, str]:
    return {"status": "ok"}


@router.get("/policy", response_class=HTMLResponse)
async def policy(
    request: Request, _: Annotated[Member, allow(ADMINS)], settings: SettingsDep
) -> HTMLResponse:
    return render(request, "policy.html", {"policy": settings.policy, "path": settings.policy_path})
