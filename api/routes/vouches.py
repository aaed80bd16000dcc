"""Vouching for a member: any signed-in member may try; the rules decide and say why."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status

from api import schedules
from api.deps import SessionDep, SettingsDep, TemporalDep, allow
from api.schemas import VouchBody
from api.services import journeys, members, vouching
from domain.roles import EVERYONE_SIGNED_IN
from domain.vouching import Revocation, VouchOutcome
from models import Member

router = APIRouter(tags=["vouching"])


@router.post(
    "/api/members/{member_id}/vouches", status_code=status.HTTP_201_CREATED, response_model=VouchOutcome
)
async def vouch_api(
    member_id: int,
    body: VouchBody,
    me: Annotated[Member, allow(EVERYONE_SIGNED_IN)],
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> VouchOutcome:
    """Vouch for a member with a short statement and how you know them (409 with the reason if refused)."""
    await members.get(session, member_id)
    request = await vouching.request_from(session, settings, me, body)
    outcome = await journeys.vouch(temporal, settings, member_id, request)
    await schedules.request_trust_recompute(temporal, settings, "vouch")
    return outcome


@router.post("/api/members/{member_id}/vouches/revoke", response_model=VouchOutcome)
async def revoke_api(
    member_id: int,
    me: Annotated[Member, allow(EVERYONE_SIGNED_IN)],
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> VouchOutcome:
    """Withdraw your vouch for a member (409 if you have none); their trust is recomputed shortly."""
    await members.get(session, member_id)
    outcome = await journeys.revoke_vouch(
        temporal, settings, member_id, Revocation(me.id, settings.policy.vouching)
    )
    await schedules.request_trust_recompute(temporal, settings, "revocation")
    return outcome
