"""The member's own checklist: what is done, what is next and why, and when the next reminder comes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.deps import SessionDep, SettingsDep, TemporalDep, allow, allow_with_journey
from api.forms import field_errors, read_form
from api.journey_reads import Choice, Choices, JourneyReads, MemberAndJourney, ReadSideUnavailable
from api.journey_steps import FormStep, JourneySteps, form_step
from api.pages import render, templates
from api.schemas import StepForm
from api.services import journeys, members
from api.settings import Settings
from api.step_form import NEEDS_CHOICES, Profile, asked, step_form
from api.telemetry import MEMBER_READS
from domain.errors import InvalidField, Rejected
from domain.journey import JourneyView, StepCompletion
from domain.roles import EVERYONE_SIGNED_IN
from models import Member
from models.journey_view import VIEW_JSON

router = APIRouter(tags=["journey"])
SignedIn = Annotated[Member, allow(EVERYONE_SIGNED_IN)]
# The two reads every member makes most: served from the journey's published view (models.journey_view),
# and asked of the workflow only until it has published one.
MyJourney = Annotated[MemberAndJourney, allow_with_journey(EVERYONE_SIGNED_IN)]
COOKED_STEPS = JourneySteps(templates.env)


# These two take the Temporal client and settings from the app's state only when they need them: each
# declared dependency costs a resolution on every request, and the published view needs neither.
@router.get("/journey", response_class=HTMLResponse)
async def checklist(request: Request, mine: MyJourney) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    cooked = COOKED_STEPS.serve(mine.view_html)
    if cooked is not None:  # all the page needs of the view was cooked with it: the view is not parsed
        context = await _context(request, mine.member, cooked.next_step, settings)
        context["cooked"] = cooked
    else:
        journey = await _journey(request, mine)
        context = await _context(request, mine.member, form_step(journey), settings)
        context["journey"] = journey
    return render(request, "journey/checklist.html", context)


@router.get("/api/me/journey", response_model=JourneyView | None)
async def checklist_api(request: Request, mine: MyJourney) -> Response | JourneyView | None:
    """Your journey; null for a moment after signup while it starts."""
    if mine.view_json is not None:
        return Response(mine.view_json, media_type="application/json")
    return await _journey(request, mine)


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
        await members.check_step_form(session, form, me.id)
        await session.commit()  # release the pooled connection before waiting on the workflow
        await journeys.complete_step(
            temporal, settings, me.id, StepCompletion(step_id, me.id, form=form.filled())
        )
        request.app.state.journey_reads.forget(me.id)
    except ValidationError as exc:
        errors = field_errors(exc)
    except InvalidField as exc:
        errors = {exc.field: exc.message}
    except Rejected as exc:
        errors, code = {"step": str(exc)}, status.HTTP_409_CONFLICT
    if errors:
        journey = await journeys.view(temporal, settings, me.id)
        sent = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        context = await _context(request, me, form_step(journey), settings, sent, errors)
        context["journey"] = journey
        return render(request, "journey/checklist.html", context, code)
    return RedirectResponse("/journey", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/api/me/journey/steps/{step_id}", response_model=JourneyView)
async def complete_step_api(
    request: Request,
    step_id: str,
    body: StepForm,
    me: SignedIn,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> JourneyView:
    """Complete one of your steps; form steps take their fields in the body."""
    await members.check_step_form(session, body, me.id)
    await session.commit()  # release the pooled connection before waiting on the workflow
    view = await journeys.complete_step(
        temporal, settings, me.id, StepCompletion(step_id, me.id, form=body.filled())
    )
    request.app.state.journey_reads.forget(me.id)
    return view


async def _journey(request: Request, mine: MemberAndJourney) -> JourneyView | None:
    if mine.view_json is not None:
        return VIEW_JSON.validate_json(mine.view_json)
    MEMBER_READS.labels("workflow").inc()
    state = request.app.state
    return await journeys.view(state.temporal, state.settings, mine.member.id)


async def _context(
    request: Request,
    me: Profile,
    step: FormStep | None,
    settings: Settings,
    sent: Mapping[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, object]:
    fields = asked(settings.policy.playbook, step)
    # Only the next step's form is shown: most views need neither list, and then neither is read.
    choices = await _choices(request) if NEEDS_CHOICES.intersection(fields) else Choices((), ())
    errors = errors or {}
    return {
        "next_form": step_form(step, fields, me, choices, sent or {}, errors),
        "errors": errors,
    }


async def _choices(request: Request) -> Choices:
    reads: JourneyReads = request.app.state.journey_reads
    try:
        return await reads.choices()
    except ReadSideUnavailable:
        async with request.app.state.sessions() as session:
            chapters = tuple(Choice(c.id, c.name) for c in await members.chapters(session))
            projects = await members.active_projects(session)
            return Choices(chapters, tuple(Choice(p.id, p.name, tuple(p.skills_needed)) for p in projects))
