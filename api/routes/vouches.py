"""Vouching for a member and asking for vouches: any member may try; the rules decide and say why."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api import schedules
from api.deps import RecordId, SessionDep, SettingsDep, TemporalDep, allow
from api.forms import field_errors, read_form
from api.pages import render
from api.schemas import AskBody, VouchBody
from api.services import journeys, members, sponsors, vouching
from domain import vouching as rules
from domain.errors import InvalidField, Rejected
from domain.journey import VouchAsk
from domain.roles import EVERYONE_SIGNED_IN
from domain.sponsors import Suggestion
from domain.vouching import Relation, Revocation, VouchOutcome
from models import Member
from models.base import utcnow

router = APIRouter(tags=["vouching"])
SignedIn = Annotated[Member, allow(EVERYONE_SIGNED_IN)]


@router.post(
    "/api/members/{member_id}/vouches", status_code=status.HTTP_201_CREATED, response_model=VouchOutcome
)
async def vouch_api(
    member_id: RecordId,
    body: VouchBody,
    me: SignedIn,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> VouchOutcome:
    """Vouch for a member with a short statement and how you know them (409 with the reason if refused)."""
    await members.get(session, member_id)
    request = await vouching.request_from(session, settings, me, body)
    await session.commit()  # release the pooled connection before waiting on the workflow
    outcome = await journeys.vouch(temporal, settings, member_id, request)
    await schedules.request_trust_recompute(temporal, settings, "vouch")
    return outcome


@router.post("/api/members/{member_id}/vouches/revoke", response_model=VouchOutcome)
async def revoke_api(
    member_id: RecordId, me: SignedIn, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> VouchOutcome:
    """Withdraw your vouch for a member (409 if you have none); their trust is recomputed shortly."""
    await members.get(session, member_id)
    await session.commit()  # release the pooled connection before waiting on the workflow
    outcome = await journeys.revoke_vouch(
        temporal, settings, member_id, Revocation(me.id, settings.policy.vouching)
    )
    await schedules.request_trust_recompute(temporal, settings, "revocation")
    return outcome


@router.get("/members/{member_id}/vouch", response_class=HTMLResponse)
async def vouch_page(
    request: Request, member_id: RecordId, me: SignedIn, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    return render(request, "vouches/vouch.html", await _vouch_context(member_id, me, session, settings))


@router.post("/members/{member_id}/vouch", response_class=HTMLResponse)
async def vouch_form(
    request: Request,
    member_id: RecordId,
    me: SignedIn,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> Response:
    try:
        await members.get(session, member_id)
        body = await read_form(request, VouchBody)
        vouch = await vouching.request_from(session, settings, me, body)
        await session.commit()  # release the pooled connection before waiting on the workflow
        outcome = await journeys.vouch(temporal, settings, member_id, vouch)
    except ValidationError as exc:
        errors, code = field_errors(exc), status.HTTP_422_UNPROCESSABLE_CONTENT
    except Rejected as exc:
        errors, code = {"vouch": str(exc)}, status.HTTP_409_CONFLICT
    else:
        await schedules.request_trust_recompute(temporal, settings, "vouch")
        context = await _vouch_context(member_id, me, session, settings)
        return render(request, "vouches/vouch.html", {**context, "outcome": outcome})
    context = await _vouch_context(member_id, me, session, settings)
    form = dict(await request.form())
    return render(request, "vouches/vouch.html", {**context, "errors": errors, "form": form}, code)


@router.get("/api/me/sponsor-suggestions", response_model=list[Suggestion])
async def suggestions_api(me: SignedIn, session: SessionDep, settings: SettingsDep) -> list[Suggestion]:
    """Members who worked with you and may vouch now, those who would add a chapter first."""
    return await sponsors.suggestions(session, settings, me)


@router.post("/api/me/vouch-asks")
async def ask_api(
    body: AskBody, me: SignedIn, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> dict[str, int]:
    """Email up to 5 members (each once) asking whether they would vouch for you."""
    return {"asked": await _ask(body, me, session, temporal, settings)}


@router.get("/vouches/ask", response_class=HTMLResponse)
async def ask_page(
    request: Request, me: SignedIn, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    return render(request, "vouches/ask.html", await _ask_context(me, session, settings))


@router.post("/vouches/ask", response_class=HTMLResponse)
async def ask_form(
    request: Request, me: SignedIn, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> Response:
    form = await request.form()
    try:
        ids = [int(v) for v in form.getlist("member_ids") if isinstance(v, str) and v.isdigit()]
        asked = await _ask(AskBody(member_ids=ids), me, session, temporal, settings)
    except ValidationError:
        errors = {"member_ids": "Pick between one and five people to ask."}
    except (Rejected, InvalidField) as exc:
        errors = {"member_ids": str(exc)}
    else:
        return render(
            request, "vouches/ask.html", {**await _ask_context(me, session, settings), "asked": asked}
        )
    context = await _ask_context(me, session, settings)
    return render(request, "vouches/ask.html", {**context, "errors": errors}, status.HTTP_409_CONFLICT)


async def _ask(
    body: AskBody, me: Member, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> int:
    for member_id in body.member_ids:
        person = await members.get(session, member_id)
        facts = await vouching.voucher_facts(session, settings, person, utcnow())
        if rules.voucher_refusal(facts, settings.policy.vouching, vouching.level_names(settings)):
            raise InvalidField("member_ids", f"{person.display_name} cannot vouch for anyone at the moment.")
    return await journeys.ask_for_vouches(temporal, settings, me.id, VouchAsk(tuple(body.member_ids)))


async def _vouch_context(
    member_id: int, me: Member, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    member = await members.get(session, member_id)
    facts = await vouching.voucher_facts(session, settings, me, utcnow())
    return {
        "member": member,
        "cannot_vouch": "You cannot vouch for yourself."
        if member.id == me.id
        else rules.voucher_refusal(facts, settings.policy.vouching, vouching.level_names(settings)),
        "relations": list(Relation),
        "errors": {},
        "form": {},
        "outcome": None,
    }


async def _ask_context(me: Member, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    return {"suggestions": await sponsors.suggestions(session, settings, me), "errors": {}, "asked": None}
