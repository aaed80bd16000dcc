"""The organizer review queue: who to look at and why; resolving records a decision, never automatic."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api import schedules
from api.deps import RecordId, SessionDep, SettingsDep, TemporalDep, allow
from api.forms import read_form
from api.pages import render
from api.schemas import ResolutionBody
from api.services import journeys, members, reviews, standing
from api.settings import Settings
from domain.errors import Rejected
from domain.roles import ORGANIZERS
from domain.vouching import Suspension
from models import Member, ReviewKind, ReviewOutcome

router = APIRouter(tags=["review"])
Organizer = Annotated[Member, allow(ORGANIZERS)]


@router.get("/reviews", response_class=HTMLResponse)
async def queue_page(request: Request, _: Organizer, session: SessionDep) -> HTMLResponse:
    return render(request, "reviews/queue.html", {"items": await reviews.open_items(session)})


@router.get("/api/reviews", response_model=list[reviews.OpenItem])
async def queue_api(_: Organizer, session: SessionDep) -> list[reviews.OpenItem]:
    """Open review items, oldest first, each with the reason it was queued."""
    return await reviews.open_items(session)


@router.post("/api/reviews/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
async def resolve_api(
    item_id: RecordId,
    body: ResolutionBody,
    me: Organizer,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> None:
    """Resolve an item: cleared, suspended (with the note as the reason) or approved (level approvals)."""
    await _resolve(item_id, body, me, session, temporal, settings)


@router.post("/reviews/{item_id}")
async def resolve_form(
    request: Request,
    item_id: RecordId,
    me: Organizer,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> Response:
    await _resolve(item_id, await read_form(request, ResolutionBody), me, session, temporal, settings)
    return RedirectResponse("/reviews", status_code=status.HTTP_303_SEE_OTHER)


async def _resolve(
    item_id: int,
    body: ResolutionBody,
    me: Member,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> None:
    item = await reviews.get_open(session, item_id)
    if item.member_id == me.id:
        raise Rejected("This item is about you; another organizer resolves it.")
    member = await members.get(session, item.member_id)
    if body.outcome is ReviewOutcome.APPROVED:
        if item.kind is not ReviewKind.LEVEL_APPROVAL:
            raise Rejected("Only level approvals can be approved; clear this item or suspend the member.")
        await standing.approve_level(session, settings, member, _level_awaiting(settings, member), me)
    elif body.outcome is ReviewOutcome.SUSPENDED and not member.suspended:
        if len(body.note) < 10:
            raise Rejected("Give the reason for the suspension in the note (at least 10 characters).")
        points = settings.policy.vouching.penalty_per_suspension
        await journeys.suspend(temporal, settings, member.id, Suspension(me.id, body.note, points))
        await session.refresh(item)
    await reviews.resolve(session, item, me, body.outcome, body.note)
    if body.outcome is not ReviewOutcome.CLEARED:
        await schedules.request_trust_recompute(temporal, settings, "review")


def _level_awaiting(settings: Settings, member: Member) -> str:
    """The lowest level above the member's that needs an organizer: the one their scores wait on."""
    levels = settings.policy.trust.levels
    for rule in levels[member.trust_level + 1 :]:
        if rule.needs_approval:
            return str(rule.name)
    raise Rejected("No level above this member's needs an approval.")
