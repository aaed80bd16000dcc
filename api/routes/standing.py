"""Organizers act on a member's standing: suspend or reinstate with a reason, approve a level, record work."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Request, status
from fastapi.responses import RedirectResponse, Response
from temporalio.service import RPCError, RPCStatusCode

from api import schedules
from api.deps import RecordId, SessionDep, SettingsDep, TemporalDep, allow
from api.forms import read_form
from api.schemas import ApprovalBody, ReasonBody
from api.services import access, journeys, members, standing
from domain.errors import Rejected
from domain.grants import TrustUpdate
from domain.journey import JourneyView
from domain.roles import ORGANIZERS
from domain.vouching import Reinstatement, Suspension, SuspensionOutcome
from models import Member

log = logging.getLogger(__name__)
router = APIRouter(tags=["standing"])
Organizer = Annotated[Member, allow(ORGANIZERS)]


@router.post("/api/members/{member_id}/suspension", response_model=SuspensionOutcome)
async def suspend_api(
    member_id: RecordId,
    body: ReasonBody,
    me: Organizer,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> SuspensionOutcome:
    """Suspend a member with a reason: their vouchers are told and lose some vouch capacity for a while,
    and the other members those vouchers stood behind are queued for review."""
    return await _suspend(member_id, body, me, session, temporal, settings)


@router.post("/members/{member_id}/suspension")
async def suspend_form(
    request: Request,
    member_id: RecordId,
    me: Organizer,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> Response:
    await _suspend(member_id, await read_form(request, ReasonBody), me, session, temporal, settings)
    return RedirectResponse(f"/members/{member_id}", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/api/members/{member_id}/suspension/lift", response_model=JourneyView)
async def reinstate_api(
    member_id: RecordId,
    body: ReasonBody,
    me: Organizer,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> JourneyView:
    """Lift a suspension with a reason; the vouchers' lost capacity comes back with it."""
    return await _reinstate(member_id, body, me, session, temporal, settings)


@router.post("/members/{member_id}/suspension/lift")
async def reinstate_form(
    request: Request,
    member_id: RecordId,
    me: Organizer,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> Response:
    await _reinstate(member_id, await read_form(request, ReasonBody), me, session, temporal, settings)
    return RedirectResponse(f"/members/{member_id}", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/api/members/{member_id}/trust/approval", status_code=status.HTTP_201_CREATED)
async def approve_level_api(
    member_id: RecordId,
    body: ApprovalBody,
    me: Organizer,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> dict[str, str]:
    """Approve a member for a level that needs an organizer; a recompute promotes them if scores hold."""
    member = await members.get(session, member_id)
    await standing.approve_level(session, settings, member, body.level, me)
    await schedules.request_trust_recompute(temporal, settings, "approval")
    return {"approved": body.level}


async def _reinstate(
    member_id: int,
    body: ReasonBody,
    me: Member,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> JourneyView:
    await members.get(session, member_id)
    if member_id == me.id:
        raise Rejected("You cannot lift your own suspension; another organizer decides.")
    await session.commit()  # release the pooled connection before waiting on the workflow
    view = await journeys.reinstate(temporal, settings, member_id, Reinstatement(me.id, body.reason))
    await schedules.request_trust_recompute(temporal, settings, "reinstatement")
    return view


async def _suspend(
    member_id: int,
    body: ReasonBody,
    me: Member,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> SuspensionOutcome:
    await members.get(session, member_id)
    if member_id == me.id:
        raise Rejected("You cannot suspend yourself.")
    points = settings.policy.vouching.penalty_per_suspension
    await session.commit()  # release the pooled connection before waiting on the workflow
    outcome = await journeys.suspend(temporal, settings, member_id, Suspension(me.id, body.reason, points))
    for workflow_id in await access.active_workflows(session, member_id):
        # Access is taken away now, not at the next recompute: a suspended member holds nothing. A grant
        # whose process has ended without its record saying so must not keep the others from hearing it.
        try:
            await temporal.get_workflow_handle(workflow_id).signal(
                "trust_changed", TrustUpdate(0, suspended=True)
            )
        except RPCError as exc:
            if exc.status is not RPCStatusCode.NOT_FOUND:
                raise
            log.warning("suspension: grant workflow %s has ended; its record is still open", workflow_id)
    await schedules.request_trust_recompute(temporal, settings, "suspension")
    return outcome
