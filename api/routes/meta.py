"""The front door, health, and the read-only policy page."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from api.deps import PUBLIC, OptionalMember, SessionDep, SettingsDep, TemporalDep, allow
from api.pages import render
from api.settings import Environment
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


async def _scraper(request: Request, settings: SettingsDep) -> None:
    """Prometheus scrapers: with PERENNIAL_METRICS_TOKEN set, they send it as a bearer token; without
    one, only this machine may scrape (and in production a token is required)."""
    expected = settings.metrics_token
    sent = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if expected:
        if not secrets.compare_digest(sent, expected):
            raise HTTPException(401, "Send the metrics token as a bearer token.")
        return
    client = request.client.host if request.client else ""
    if settings.environment == Environment.PRODUCTION or client not in LOOPBACK:
        raise HTTPException(403, "Set PERENNIAL_METRICS_TOKEN to scrape from another machine.")


_scraper.allowed_roles = "scraper"  # type: ignore[attr-defined]  # read by the route-walking test
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@router.get("/metrics", include_in_schema=False)
async def metrics(_: Annotated[None, Depends(_scraper)]) -> Response:
    """Prometheus exposition: request counts and latency by route, emails, webhook deliveries, steps."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
