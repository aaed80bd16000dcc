"""The member's own checklist: what is done, what is next and why, and when the next reminder comes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.deps import SessionDep, SettingsDep, TemporalDep, allow
from api.forms import field_errors, read_form
from api.pages import render
from api.schemas import StepForm
from api.services import journeys, members
from domain.errors import InvalidField, Rejected
from domain.journey import JourneyView, StepCompletion
from domain.roles import EVERYONE_SIGNED_IN
from models import Member

router = APIRouter(tags=["journey"])
SignedIn = Annotated[Member, allow(EVERYONE_SIGNED_IN)]


@router.get("/journey", response_class=HTMLResponse)
async def checklist(
    request: Request, me: SignedIn, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> HTMLResponse:
    return render(request, "journey/checklist.html", await _context(me, session, temporal, settings))


@router.get("/api/me/journey", response_model=JourneyView | None)
async def checklist_api(me: SignedIn, temporal: TemporalDep, settings: SettingsDep) -> JourneyView | None:
    """Your journey; null for a moment after signup while it starts."""
    return await journeys.view(temporal, settings, me.id)


@router.post("/journey/steps/{step_id}", response_class=HTMLResponse)
async def complete_step_form(
    request: Request,
    step_id: str,
    me: SignedIn,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> Response:
    errors: dict[str, str] = {}
    code = status.HTTP_422_UNPROCESSABLE_CONTENT
    try:
        form = await read_form(request, StepForm)
        await members.check_step_form(session, form)
        await session.commit()  # release the pooled connection before waiting on the workflow
        await journeys.complete_step(
            temporal, settings, me.id, StepCompletion(step_id, me.id, form=form.filled())
        )
    except ValidationError as exc:
        errors = field_errors(exc)
    except InvalidField as exc:
        errors = {exc.field: exc.message}
    except Rejected as exc:
        errors, code = {"step": str(exc)}, status.HTTP_409_CONFLICT
    if errors:
        context = await _context(me, session, temporal, settings)
        return render(
            request,
            "journey/checklist.html",
            {**context, "errors": errors, "form": dict(await request.form())},
            code,
        )
    return RedirectResponse("/journey", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/api/me/journey/steps/{step_id}", response_model=JourneyView)
async def complete_step_api(
    step_id: str,
    body: StepForm,
    me: SignedIn,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> JourneyView:
    """Complete one of your steps; form steps take their fields in the body."""
    await members.check_step_form(session, body)
    await session.commit()  # release the pooled connection before waiting on the workflow
    return await journeys.complete_step(
        temporal, settings, me.id, StepCompletion(step_id, me.id, form=body.filled())
    )


async def _context(
    me: Member, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> dict[str, object]:
    journey = await journeys.view(temporal, settings, me.id)
    step_fields = {s.id: [f.value for f in s.form] for s in settings.policy.playbook.steps}
    # Only the next step's form is shown: most views need neither list, so neither is read.
    wanted = step_fields.get(journey.next_step_id or "", []) if journey is not None else []
    return {
        "journey": journey,
        "projects": await members.active_projects(session) if "project_id" in wanted else [],
        "chapters": await members.chapters(session) if "chapter_id" in wanted else [],
        "step_fields": step_fields,
        "errors": {},
        "form": {},
    }
