"""The front door, health, and the read-only policy page."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import text

from api.deps import PUBLIC, OptionalMember, SessionDep, SettingsDep, TemporalDep, allow
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


@router.get("/readyz")
async def ready(_: Annotated[None, PUBLIC], session: SessionDep, temporal: TemporalDep) -> Response:
    """Ready to serve: the database answers and Temporal is reachable (503 naming what is not)."""
    down = []
    try:
        await session.execute(text("SELECT 1"))
    except Exception:
        down.append("database")
    try:
        await temporal.service_client.check_health(timeout=timedelta(seconds=2))
    except Exception:
        down.append("temporal")
    if down:
        return JSONResponse({"status": "not ready", "down": down}, status_code=503)
    return JSONResponse({"status": "ready"})


@router.get("/policy", response_class=HTMLResponse)
async def policy(
    request: Request, _: Annotated[Member, allow(ADMINS)], settings: SettingsDep
) -> HTMLResponse:
    return render(request, "policy.html", {"policy": settings.policy, "path": settings.policy_path})
