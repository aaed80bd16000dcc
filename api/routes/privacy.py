"""A member's own data: download all of it as JSON, or have it erased. Admins can do either on a
member's behalf (a request that reached an organizer by email, say)."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict

from api.deps import RecordId, SessionDep, SettingsDep, TemporalDep, allow
from api.forms import read_form
from api.pages import render
from api.services import erasure, members
from domain.roles import ADMINS, EVERYONE_SIGNED_IN
from models import Member

router = APIRouter(tags=["your data"])
Anyone = Annotated[Member, allow(EVERYONE_SIGNED_IN)]
Admin = Annotated[Member, allow(ADMINS)]
CONFIRMATION = "erase my data"


class ErasureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    confirm: Literal["erase my data"]  # typed out, so nobody erases by a stray click


@router.get("/api/me/data")
async def my_data_api(me: Anyone, session: SessionDep) -> Response:
    """Everything Perennial keeps about you, as one JSON file."""
    return _download(await erasure.download(session, me.id), me.id)


@router.get("/me/data", response_class=HTMLResponse)
async def my_data_page(request: Request, _: Anyone) -> HTMLResponse:
    return render(request, "privacy/data.html", {"confirmation": CONFIRMATION, "errors": {}})


@router.post("/api/me/erasure")
async def erase_me_api(
    request: Request,
    body: ErasureRequest,
    me: Anyone,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> dict[str, bool]:
    """Erase your personal data and end your journey, mentorships and GitHub access. It cannot be undone."""
    await erasure.erase(session, temporal, settings, me, me)
    request.app.state.journey_reads.forget(me.id)
    request.session.clear()
    return {"erased": True}


@router.post("/me/erasure", response_class=HTMLResponse)
async def erase_me_form(
    request: Request, me: Anyone, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> Response:
    form = dict(await request.form())
    if str(form.get("confirm", "")).strip() != CONFIRMATION:
        errors = {"confirm": f'Type "{CONFIRMATION}" to confirm.'}
        return render(request, "privacy/data.html", {"confirmation": CONFIRMATION, "errors": errors}, 422)
    await read_form(request, ErasureRequest)
    await erasure.erase(session, temporal, settings, me, me)
    request.app.state.journey_reads.forget(me.id)
    request.session.clear()
    return RedirectResponse("/?erased=1", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/api/members/{member_id}/data")
async def member_data_api(member_id: RecordId, _: Admin, session: SessionDep) -> Response:
    await members.get(session, member_id)
    return _download(await erasure.download(session, member_id), member_id)


@router.post("/api/members/{member_id}/erasure")
async def erase_member_api(
    request: Request,
    member_id: RecordId,
    body: ErasureRequest,
    me: Admin,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> dict[str, bool]:
    """Erase a member's personal data on their request."""
    await erasure.erase(session, temporal, settings, await members.get(session, member_id), me)
    request.app.state.journey_reads.forget(member_id)
    return {"erased": True}


def _download(data: dict[str, object], member_id: int) -> Response:
    headers = {
        "Content-Disposition": f'attachment; filename="perennial-member-{member_id}.json"',
        "Cache-Control": "no-store",
    }
    return Response(json.dumps(data, indent=2, default=str), media_type="application/json", headers=headers)
