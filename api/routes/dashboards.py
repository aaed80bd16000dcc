"""Retention dashboards. Funders (and organizers) see aggregates with small groups suppressed, download
any table as CSV and any chart as PNG or SVG, and can be given a signed, expiring, revocable link."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import BaseModel, ConfigDict, Field

from api.deps import PUBLIC, RecordId, SessionDep, SettingsDep, allow
from api.pages import render
from api.schemas import Line
from api.services import at_risk, dashboard
from api.services.campaigns import campaign_results
from api.settings import Settings
from domain.churn import MODEL_CARD
from domain.errors import NotFound
from domain.roles import FUNDER_VIEWERS, ORGANIZERS
from models import Member, ShareLink
from models.base import utcnow

router = APIRouter(tags=["dashboards"])
STATIC = Path(__file__).parents[1] / "static"
Viewer = Annotated[Member, allow(FUNDER_VIEWERS)]
Organizer = Annotated[Member, allow(ORGANIZERS)]
Public = Annotated[None, PUBLIC]


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    label: Annotated[Line, Field(min_length=1, max_length=120)]
    days: Annotated[int, Field(ge=1, le=365)] = 30


@router.get("/dashboards/funder", response_class=HTMLResponse)
async def funder_page(
    request: Request, _: Viewer, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    view = await dashboard.funder_view(session, settings)
    return render(request, "dashboards/funder.html", {"view": view, "shared": False})


@router.get("/api/dashboards/funder")
async def funder_api(_: Viewer, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    """Aggregates only: cells describing fewer than `min_cell_size` people are null."""
    return await dashboard.funder_view(session, settings)


@router.get("/dashboards/funder/{table}.csv", response_class=PlainTextResponse)
async def funder_csv(table: str, _: Viewer, session: SessionDep, settings: SettingsDep) -> Response:
    return _csv(table, await dashboard.funder_view(session, settings))


@router.get("/dashboards/organizer", response_class=HTMLResponse)
async def organizer_page(
    request: Request, _: Organizer, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    return render(request, "dashboards/organizer.html", await _organizer_context(session, settings))


@router.get("/api/dashboards/organizer")
async def organizer_api(_: Organizer, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    """Everything, unsuppressed, with the people in each cohort and the "reach out" list."""
    context = await _organizer_context(session, settings)
    return {**context, "reach_out": [vars(n) for n in context["reach_out"]]}


async def _organizer_context(session: SessionDep, settings: Settings) -> dict[str, Any]:
    view = await dashboard.funder_view(session, settings, suppress=False)
    listed, why_not = await at_risk.reach_out(session)
    return {
        "view": view,
        "cohort_people": await dashboard.cohort_people(session),
        "reach_out": listed,
        "reach_out_missing": why_not,
        "model_card": MODEL_CARD,
        "campaigns": await campaign_results(session),
    }


@router.post("/api/dashboards/share", status_code=status.HTTP_201_CREATED)
async def share_api(
    body: ShareIn, me: Organizer, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """A read-only link to the funder dashboard that works without an account until it expires."""
    link = ShareLink(
        label=body.label,
        created_by_id=me.id,
        created_at=utcnow(),
        expires_at=utcnow() + timedelta(days=body.days),
    )
    session.add(link)
    await session.commit()
    token = _signer(settings).dumps(link.id)
    return {"id": link.id, "url": f"{settings.base_url}/shared/{token}", "expires_at": link.expires_at}


@router.post("/api/dashboards/share/{link_id}/revoke", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_share_api(link_id: RecordId, _: Organizer, session: SessionDep) -> None:
    """The link stops working at once."""
    link = await session.get(ShareLink, link_id)
    if link is None:
        raise NotFound(f"There is no share link {link_id}.")
    link.revoked_at = link.revoked_at or utcnow()
    await session.commit()


@router.get("/shared/{token}", response_class=HTMLResponse)
async def shared_page(
    request: Request, token: str, _: Public, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    await _valid_link(session, settings, token)
    view = await dashboard.funder_view(session, settings)
    return render(request, "dashboards/funder.html", {"view": view, "shared": True, "token": token})


@router.get("/shared/{token}/{table}.csv", response_class=PlainTextResponse)
async def shared_csv(
    table: str, token: str, _: Public, session: SessionDep, settings: SettingsDep
) -> Response:
    await _valid_link(session, settings, token)
    return _csv(table, await dashboard.funder_view(session, settings))


@router.get("/static/plotly.min.js", response_class=PlainTextResponse)
async def plotly_js(_: Public) -> Response:
    """The charting library, served by the app itself so dashboards work offline."""
    from plotly.offline import get_plotlyjs

    return Response(
        get_plotlyjs(),
        media_type="application/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/static/dashboards.js", response_class=PlainTextResponse)
async def dashboards_js(_: Public) -> Response:
    return Response(STATIC.joinpath("dashboards.js").read_text(), media_type="application/javascript")


def _csv(table: str, view: dict[str, Any]) -> Response:
    if table not in dashboard.TABLES:
        raise NotFound(f"No table '{table}'; the tables are: {', '.join(dashboard.TABLES)}.")
    return Response(
        dashboard.csv_table(view, table),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{table}.csv"'},
    )


def _signer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt="dashboard-share")


async def _valid_link(session: SessionDep, settings: Settings, token: str) -> ShareLink:
    try:
        link_id = _signer(settings).loads(token)
    except BadSignature as exc:
        raise NotFound("This share link is not valid.") from exc
    link = await session.get(ShareLink, int(link_id))
    if link is None or link.revoked_at is not None or link.expires_at <= utcnow():
        raise NotFound("This share link has expired or was revoked; ask the organizers for a new one.")
    return link
