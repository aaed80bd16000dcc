"""Mentoring pages and API: become a mentor, say what you need, accept, check in, give feedback, pause or
end; organizers run matching, adjust the proposals and confirm them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import RecordId, SessionDep, SettingsDep, TemporalDep, allow
from api.forms import read_form
from api.mentoring_schemas import CheckInIn, ConfirmIn, MenteeNeedsIn, MentorProfileIn, Pair, TextIn
from api.pages import render
from api.services import mentoring
from domain.errors import Rejected
from domain.mentorship import Acceptance, Change, CheckInAnswer, Feedback, Side
from domain.roles import EVERYONE_SIGNED_IN, ORGANIZERS
from models import Member
from workflows.mentorship import Mentorship as Workflow

router = APIRouter(tags=["mentoring"])
SignedIn = Annotated[Member, allow(EVERYONE_SIGNED_IN)]
Organizer = Annotated[Member, allow(ORGANIZERS)]


@router.post("/api/me/mentor-profile")
async def mentor_profile_api(body: MentorProfileIn, me: SignedIn, session: SessionDep) -> dict[str, Any]:
    """Offer to mentor: skills, how many mentees at once, time zone, languages, availability."""
    profile = await mentoring.save_profile(session, me.id, body.model_dump())
    return {"member_id": profile.member_id, "capacity": profile.capacity, "active": profile.active}


@router.post("/api/me/mentee-needs")
async def mentee_needs_api(body: MenteeNeedsIn, me: SignedIn, session: SessionDep) -> dict[str, Any]:
    """Ask for a mentor: the skills you want to learn, your goals, time zone and languages."""
    await mentoring.save_needs(session, me.id, body.model_dump())
    return {"member_id": me.id}


@router.get("/api/me/mentoring")
async def my_mentoring_api(me: SignedIn, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    """The pairings you mentor (with next and overdue check-ins) and the one mentoring you."""
    return {
        k: [vars(v) for v in views]
        for k, views in (await mentoring.pairings_of(session, settings, me.id)).items()
    }


@router.get("/mentoring", response_class=HTMLResponse)
async def my_mentoring(
    request: Request, me: SignedIn, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    return render(
        request, "mentoring/mine.html", {"views": await mentoring.pairings_of(session, settings, me.id)}
    )


@router.post("/api/mentorships/{mentorship_id}/accept")
async def accept_api(
    mentorship_id: RecordId, me: SignedIn, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> dict[str, str]:
    """The proposed mentor accepts (within the policy's days, or the mentee is matched again)."""
    return {
        "result": await _act(session, temporal, settings, mentorship_id, Workflow.accept, Acceptance(me.id))
    }


@router.post("/api/mentorships/{mentorship_id}/check-in")
async def check_in_api(
    mentorship_id: RecordId,
    body: CheckInIn,
    me: SignedIn,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """Answer the open check-in as the mentor or the mentee."""
    side = await _side(session, mentorship_id, me)
    answer = CheckInAnswer(side, body.went_well, body.blocked_on)
    return {"round": await _act(session, temporal, settings, mentorship_id, Workflow.check_in, answer)}


@router.post("/api/mentorships/{mentorship_id}/feedback")
async def feedback_api(
    mentorship_id: RecordId,
    body: TextIn,
    me: SignedIn,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> dict[str, str]:
    """Feedback at the end of the mentorship, from either side."""
    feedback = Feedback(await _side(session, mentorship_id, me), body.text)
    return {"result": await _act(session, temporal, settings, mentorship_id, Workflow.feedback, feedback)}


@router.post("/api/mentorships/{mentorship_id}/pause")
async def pause_api(
    mentorship_id: RecordId,
    body: TextIn,
    me: SignedIn,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> dict[str, str]:
    """Pause check-ins (one of the pair, or an organizer), with a reason."""
    return await _change(session, temporal, settings, mentorship_id, me, Workflow.pause, body.text)


@router.post("/api/mentorships/{mentorship_id}/resume")
async def resume_api(
    mentorship_id: RecordId,
    body: TextIn,
    me: SignedIn,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> dict[str, str]:
    """Resume a paused mentorship."""
    return await _change(session, temporal, settings, mentorship_id, me, Workflow.resume, body.text)


async def _change(
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    mentorship_id: int,
    me: Member,
    update: Any,
    reason: str,
) -> dict[str, str]:
    await _side_or_organizer(session, mentorship_id, me)
    return {"result": await _act(session, temporal, settings, mentorship_id, update, Change(me.id, reason))}


@router.post("/api/mentorships/{mentorship_id}/end")
async def end_api(
    mentorship_id: RecordId,
    body: TextIn,
    me: SignedIn,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> dict[str, str]:
    """End early with a reason, or reassign to `new_mentor_id` (organizers only)."""
    await _side_or_organizer(session, mentorship_id, me, reassigning=body.new_mentor_id is not None)
    change = Change(me.id, body.text, body.new_mentor_id)
    return {"result": await _act(session, temporal, settings, mentorship_id, Workflow.end, change)}


@router.post("/mentoring/{mentorship_id}/check-in")
async def check_in_form(
    request: Request,
    mentorship_id: RecordId,
    me: SignedIn,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> Response:
    await check_in_api(mentorship_id, await read_form(request, CheckInIn), me, session, temporal, settings)
    return RedirectResponse("/mentoring", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/mentoring/{mentorship_id}/accept")
async def accept_form(
    mentorship_id: RecordId, me: SignedIn, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> Response:
    await accept_api(mentorship_id, me, session, temporal, settings)
    return RedirectResponse("/mentoring", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/mentoring/{mentorship_id}/feedback")
async def feedback_form(
    request: Request,
    mentorship_id: RecordId,
    me: SignedIn,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> Response:
    await feedback_api(mentorship_id, await read_form(request, TextIn), me, session, temporal, settings)
    return RedirectResponse("/mentoring", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/mentoring/profile")
async def profile_form(request: Request, me: SignedIn, session: SessionDep) -> Response:
    await mentor_profile_api(await read_form(request, MentorProfileIn), me, session)
    return RedirectResponse("/mentoring", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/mentoring/needs")
async def needs_form(request: Request, me: SignedIn, session: SessionDep) -> Response:
    await mentee_needs_api(await read_form(request, MenteeNeedsIn), me, session)
    return RedirectResponse("/mentoring", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/api/mentoring/proposals")
async def proposals_api(_: Organizer, session: SessionDep) -> list[dict[str, Any]]:
    """A dry run of matching: each waiting mentee with the proposed mentor, the score and why."""
    return [vars(p) for p in await mentoring.proposals(session)]


@router.post("/api/mentoring/never-pairs", status_code=status.HTTP_201_CREATED)
async def never_pair_api(body: Pair, me: Organizer, session: SessionDep) -> dict[str, int]:
    """Never propose this mentor for this mentee (organizers)."""
    await mentoring.never_pair(session, body.mentor_id, body.mentee_id, me.id)
    return {"mentor_id": body.mentor_id, "mentee_id": body.mentee_id}


@router.get("/mentoring/match", response_class=HTMLResponse)
async def match_page(request: Request, _: Organizer, session: SessionDep) -> HTMLResponse:
    return render(request, "mentoring/match.html", {"proposals": await mentoring.proposals(session)})


@router.post("/api/mentoring/confirm", status_code=status.HTTP_201_CREATED)
async def confirm_api(
    body: ConfirmIn, me: Organizer, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> dict[str, list[int]]:
    """Confirm pairs (the proposals, or your own choices): each starts its Mentorship workflow."""
    pairs = [(p.mentee_id, p.mentor_id) for p in body.pairs]
    return {"mentorship_ids": await mentoring.confirm(session, temporal, settings, pairs, me.id)}


@router.post("/mentoring/match")
async def confirm_form(
    request: Request, me: Organizer, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> Response:
    form = await request.form()
    pairs = [
        (int(key.removeprefix("mentor_for_")), int(str(value)))
        for key, value in form.items()
        if key.startswith("mentor_for_") and str(value).isdigit()
    ]
    if pairs:
        await mentoring.confirm(session, temporal, settings, pairs, me.id)
    return RedirectResponse("/mentoring/match", status_code=status.HTTP_303_SEE_OTHER)


async def _act(
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    mentorship_id: int,
    update: Any,
    arg: object,
) -> Any:
    await mentoring.get(session, mentorship_id)
    return await mentoring.act(temporal, settings, mentorship_id, update, arg)


async def _side(session: SessionDep, mentorship_id: int, me: Member) -> Side:
    pairing = await mentoring.get(session, mentorship_id)
    if me.id == pairing.mentor_id:
        return Side.MENTOR
    if me.id == pairing.mentee_id:
        return Side.MENTEE
    raise Rejected("Only the mentor and the mentee of this mentorship can do that.")


async def _side_or_organizer(
    session: SessionDep, mentorship_id: int, me: Member, *, reassigning: bool = False
) -> None:
    if me.acting_role in ORGANIZERS:
        return
    if reassigning:
        raise Rejected("Reassigning a mentee is for organizers.")
    await _side(session, mentorship_id, me)
