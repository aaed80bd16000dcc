"""Access drift: the latest reconcile report (what differs between the grants and GitHub, and the dry-run
plan with its safety rails) for those who watch access; admins confirm a report's fixes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import RecordId, SessionDep, SettingsDep, TemporalDep, allow
from api.pages import render
from api.services import drift
from domain.roles import ACCESS_VIEWERS, ADMINS
from models import Member

router = APIRouter(tags=["access"])
Viewer = Annotated[Member, allow(ACCESS_VIEWERS)]
Admin = Annotated[Member, allow(ADMINS)]


@router.get("/access/drift", response_class=HTMLResponse)
async def drift_page(request: Request, _: Viewer, session: SessionDep) -> HTMLResponse:
    return render(request, "access/drift.html", await drift.latest(session))


@router.get("/api/access/drift")
async def drift_api(_: Viewer, session: SessionDep) -> dict[str, Any]:
    """The latest drift report: findings and plan per target, the rails, and the run that fixed it."""
    return await drift.latest(session)


@router.post("/api/access/drift/{report_id}/fix", status_code=status.HTTP_202_ACCEPTED)
async def fix_api(
    report_id: RecordId, me: Admin, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> dict[str, str]:
    """Apply the report's allowed fixes that GitHub still needs; everything else stays as it is."""
    return {"workflow_id": await drift.confirm_fix(session, temporal, settings, report_id, me)}


@router.post("/access/drift/{report_id}/fix")
async def fix_form(
    report_id: RecordId, me: Admin, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> Response:
    await drift.confirm_fix(session, temporal, settings, report_id, me)
    return RedirectResponse("/access/drift", status_code=status.HTTP_303_SEE_OTHER)
