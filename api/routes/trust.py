"""A member's own trust page: the level they hold, why, what the next level needs, who vouched."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import RecordId, SessionDep, SettingsDep, allow
from api.pages import render
from api.services import members, trust
from domain.roles import EVERYONE_SIGNED_IN, ORGANIZERS
from models import Member
from models.base import utcnow

router = APIRouter(tags=["trust"])
SignedIn = Annotated[Member, allow(EVERYONE_SIGNED_IN)]
OrganizerOrSelf = Annotated[Member, allow(ORGANIZERS, or_self=True)]


@router.get("/trust", response_class=HTMLResponse)
async def my_trust(
    request: Request, me: SignedIn, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    return render(request, "trust/mine.html", await _context(me, session, settings))


@router.get("/api/me/trust")
async def my_trust_api(me: SignedIn, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    """Your level, the reason, the checklist for the next level, and the vouches you have received."""
    context = await _context(me, session, settings)
    score = context["score"]
    return {
        "level": context["level"],
        "reason": score.reason if score else None,
        "computed_at": score.computed_at if score else None,
        "checklist": score.checklist if score else None,
        "vouches": [v.__dict__ for v in context["vouches"]],
    }


@router.get("/members/{member_id}/vouch-tree", response_class=HTMLResponse)
async def vouch_tree_page(
    request: Request, member_id: RecordId, _: OrganizerOrSelf, session: SessionDep
) -> HTMLResponse:
    member = await members.get(session, member_id)
    tree = await trust.vouch_tree(session, member_id, utcnow())
    return render(request, "trust/tree.html", {"member": member, "tree": tree})


@router.get("/api/members/{member_id}/vouch-tree", response_model=trust.VouchTree)
async def vouch_tree_api(member_id: RecordId, _: OrganizerOrSelf, session: SessionDep) -> trust.VouchTree:
    """Who vouched for the member (and who vouched for them, back three steps), and whom they vouched for.
    Only organizers and the member see it."""
    await members.get(session, member_id)
    return await trust.vouch_tree(session, member_id, utcnow())


async def _context(me: Member, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    levels = settings.policy.trust.levels
    return {
        "level": levels[min(me.trust_level, len(levels) - 1)].name,
        "score": await trust.latest_score(session, me.id),
        "vouches": await trust.vouches_for(session, me.id, utcnow()),
    }
