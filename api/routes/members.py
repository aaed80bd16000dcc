"""Organizers' view of members: a filterable list, each member's record and timeline, and approvals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import RecordId, SessionDep, SettingsDep, TemporalDep, allow
from api.pages import render
from api.schemas import EventOut, MemberDetailOut, MemberFilters, MemberOut
from api.services import journeys, members, mentoring_record
from domain.api_tokens import Scope
from domain.errors import Rejected
from domain.journey import CompletedBy, JourneyView, StepCompletion
from domain.roles import ORGANIZERS
from models import Member

router = APIRouter(tags=["members"])
Organizer = Annotated[Member, allow(ORGANIZERS)]
OrganizerOrSelf = Annotated[Member, allow(ORGANIZERS, or_self=True)]
# The same, also open to API tokens with the members:read scope (their owner's role still applies).
Reader = Annotated[Member, allow(ORGANIZERS, scope=Scope.READ_MEMBERS)]
ReaderOrSelf = Annotated[Member, allow(ORGANIZERS, or_self=True, scope=Scope.READ_MEMBERS)]
Filters = Annotated[MemberFilters, Depends()]


@router.get("/members", response_class=HTMLResponse)
async def member_list(request: Request, _: Organizer, session: SessionDep, filters: Filters) -> HTMLResponse:
    context = {
        "members": await members.list_(session, filters),
        "chapters": await members.chapters(session),
        "steps": request.app.state.settings.policy.playbook.steps,
        "step_titles": {s.id: s.title for s in request.app.state.settings.policy.playbook.steps},
        "filters": filters,
    }
    return render(request, "members/list.html", context)


@router.get("/api/members", response_model=list[MemberOut])
async def member_list_api(_: Reader, session: SessionDep, filters: Filters) -> list[MemberOut]:
    """Members, most recently active first; filter by current step, chapter, or dormant."""
    return [MemberOut.model_validate(m) for m in await members.list_(session, filters)]


@router.get("/members/{member_id}", response_class=HTMLResponse)
async def member_detail(
    request: Request,
    member_id: RecordId,
    me: OrganizerOrSelf,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> HTMLResponse:
    member = await members.get(session, member_id)
    context = {
        "member": member,
        "timeline": await members.timeline(session, member_id),
        "journey": await journeys.view(temporal, settings, member_id),
        "can_approve": me.acting_role in ORGANIZERS and me.id != member_id,
        # What the other side of a pairing said is for organizers, not shown back on a member's own record.
        "mentorships": (
            await mentoring_record.mentorships_of(session, member_id) if me.acting_role in ORGANIZERS else []
        ),
    }
    return render(request, "members/detail.html", context)


@router.get("/api/members/{member_id}", response_model=MemberDetailOut)
async def member_detail_api(member_id: RecordId, _: ReaderOrSelf, session: SessionDep) -> MemberDetailOut:
    member = await members.get(session, member_id)
    events = await members.timeline(session, member_id)
    return MemberDetailOut(
        member=MemberOut.model_validate(member), timeline=[EventOut.model_validate(e) for e in events]
    )


@router.post("/members/{member_id}/steps/{step_id}")
async def approve_step_form(
    member_id: RecordId,
    step_id: str,
    me: Organizer,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> Response:
    await _approve(member_id, step_id, me, session, temporal, settings)
    return RedirectResponse(f"/members/{member_id}", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/api/members/{member_id}/steps/{step_id}", response_model=JourneyView)
async def approve_step_api(
    member_id: RecordId,
    step_id: str,
    me: Organizer,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> JourneyView:
    """Approve a member's step that needs an organizer (for example, meeting them)."""
    return await _approve(member_id, step_id, me, session, temporal, settings)


async def _approve(
    member_id: int,
    step_id: str,
    me: Member,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> JourneyView:
    await members.get(session, member_id)
    await session.commit()  # release the pooled connection before waiting on the workflow
    if member_id == me.id:
        raise Rejected("Organizers cannot approve their own steps; ask another organizer.")
    completion = StepCompletion(step_id, me.id, by=CompletedBy.ORGANIZER)
    return await journeys.complete_step(temporal, settings, member_id, completion)
