"""A member's own trust page: the level they hold, why, what the next level needs, who vouched."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import SessionDep, SettingsDep, allow
from api.pages import render
from api.services import trust
from domain.roles import EVERYONE_SIGNED_IN
from models import Member
from models.base import utcnow

router = APIRouter(tags=["trust"])
SignedIn = Annotated[Member, allow(EVERYONE_SIGNED_IN)]


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


async def _context(me: Member, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    levels = settings.policy.trust.levels
    return {
        "level": levels[min(me.trust_level, len(levels) - 1)].name,
        "score": await trust.latest_score(session, me.id),
        "vouches": await trust.vouches_for(session, me.id, utcnow()),
    }
