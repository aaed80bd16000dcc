"""Talking to a member's journey workflow: read its view, complete steps, report activity."""

from __future__ import annotations

from typing import Any

from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.settings import Settings
from domain.errors import NotFound, Rejected
from domain.journey import ActivitySeen, JourneyView, SignInLinkRequest, StepCompletion
from domain.vouching import Revocation, VouchOutcome, VouchRequest
from workflows.member_journey import MemberJourney


def handle(temporal: Client, settings: Settings, member_id: int) -> WorkflowHandle[MemberJourney, None]:
    return temporal.get_workflow_handle_for(MemberJourney.run, settings.journey_id(member_id))


async def view(temporal: Client, settings: Settings, member_id: int) -> JourneyView | None:
    """The journey as the workflow sees it; None while it is still starting."""
    try:
        return await handle(temporal, settings, member_id).query(MemberJourney.view)
    except RPCError as exc:
        if exc.status is RPCStatusCode.NOT_FOUND:
            raise NotFound(f"Member {member_id} has no journey.") from exc
        raise


async def complete_step(
    temporal: Client, settings: Settings, member_id: int, completion: StepCompletion
) -> JourneyView:
    view: JourneyView = await _update(
        handle(temporal, settings, member_id), MemberJourney.complete_step, completion, member_id
    )
    return view


async def vouch(temporal: Client, settings: Settings, member_id: int, request: VouchRequest) -> VouchOutcome:
    outcome: VouchOutcome = await _update(
        handle(temporal, settings, member_id), MemberJourney.vouch, request, member_id
    )
    return outcome


async def revoke_vouch(
    temporal: Client, settings: Settings, member_id: int, revocation: Revocation
) -> VouchOutcome:
    outcome: VouchOutcome = await _update(
        handle(temporal, settings, member_id), MemberJourney.revoke_vouch, revocation, member_id
    )
    return outcome


async def _update(
    journey: WorkflowHandle[MemberJourney, None], update: Any, arg: object, member_id: int
) -> Any:
    """Send an update; a refusal becomes Rejected with the workflow's reason."""
    try:
        return await journey.execute_update(update, arg)
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        raise Rejected(cause.message if isinstance(cause, ApplicationError) else str(cause)) from exc
    except RPCError as exc:
        if exc.status is RPCStatusCode.NOT_FOUND:
            raise NotFound(f"Member {member_id} has no journey.") from exc
        raise


async def activity_seen(temporal: Client, settings: Settings, member_id: int, kind: str) -> None:
    await handle(temporal, settings, member_id).signal(MemberJourney.activity_seen, ActivitySeen(kind))


async def send_sign_in_link(temporal: Client, settings: Settings, member_id: int) -> None:
    await handle(temporal, settings, member_id).signal(MemberJourney.send_sign_in_link, SignInLinkRequest())
