"""Talking to a member's journey workflow: read its view, complete steps, report activity."""

from __future__ import annotations

from typing import Any

from temporalio.client import Client, WithStartWorkflowOperation, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.settings import Settings
from domain.errors import NotFound, Rejected
from domain.journey import (
    ActivitySeen,
    JourneyInput,
    JourneyView,
    SignInLinkRequest,
    StepCompletion,
    VouchAsk,
)
from domain.vouching import (
    Reinstatement,
    Revocation,
    Suspension,
    SuspensionOutcome,
    VouchOutcome,
    VouchRequest,
)
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
    view: JourneyView = await _update(temporal, settings, member_id, MemberJourney.complete_step, completion)
    return view


async def vouch(temporal: Client, settings: Settings, member_id: int, request: VouchRequest) -> VouchOutcome:
    """Vouch through the member's journey, starting the journey first if it is not running
    (a member imported from another tool, or one whose start was lost) so no vouch waits on it."""
    start = WithStartWorkflowOperation(
        MemberJourney.run,
        JourneyInput(member_id),
        id=settings.journey_id(member_id),
        task_queue=settings.temporal_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    try:
        outcome: VouchOutcome = await temporal.execute_update_with_start_workflow(
            MemberJourney.vouch, request, start_workflow_operation=start
        )
    except WorkflowUpdateFailedError as exc:
        raise rejected(exc) from exc
    return outcome


async def ask_for_vouches(temporal: Client, settings: Settings, member_id: int, ask: VouchAsk) -> int:
    asked: int = await _update(temporal, settings, member_id, MemberJourney.ask_for_vouches, ask)
    return asked


async def suspend(
    temporal: Client, settings: Settings, member_id: int, suspension: Suspension
) -> SuspensionOutcome:
    outcome: SuspensionOutcome = await _update(
        temporal, settings, member_id, MemberJourney.suspend, suspension
    )
    return outcome


async def reinstate(
    temporal: Client, settings: Settings, member_id: int, reinstatement: Reinstatement
) -> JourneyView:
    view: JourneyView = await _update(temporal, settings, member_id, MemberJourney.reinstate, reinstatement)
    return view


async def revoke_vouch(
    temporal: Client, settings: Settings, member_id: int, revocation: Revocation
) -> VouchOutcome:
    outcome: VouchOutcome = await _update(
        temporal, settings, member_id, MemberJourney.revoke_vouch, revocation
    )
    return outcome


async def _update(temporal: Client, settings: Settings, member_id: int, update: Any, arg: object) -> Any:
    """Send an update to the member's journey; a refusal becomes Rejected with the workflow's reason."""
    try:
        return await handle(temporal, settings, member_id).execute_update(update, arg)
    except WorkflowUpdateFailedError as exc:
        raise rejected(exc) from exc
    except RPCError as exc:
        if exc.status is RPCStatusCode.NOT_FOUND:
            raise NotFound(f"Member {member_id} has no journey.") from exc
        raise


def rejected(exc: WorkflowUpdateFailedError) -> Rejected:
    cause = exc.cause
    return Rejected(cause.message if isinstance(cause, ApplicationError) else str(cause))


async def activity_seen(temporal: Client, settings: Settings, member_id: int, kind: str) -> None:
    """Tell the journey that the member did something."""
    await _signal_with_start(temporal, settings, member_id, "activity_seen", ActivitySeen(kind))


async def send_sign_in_link(temporal: Client, settings: Settings, member_id: int) -> None:
    """Ask the journey to email a sign-in link."""
    await _signal_with_start(temporal, settings, member_id, "send_sign_in_link", SignInLinkRequest())


async def _signal_with_start(
    temporal: Client, settings: Settings, member_id: int, signal: str, arg: object
) -> None:
    """Signal the member's journey; a member without a running one (imported, restored from a backup,
    made on the command line) gets one started, rather than an error."""
    await temporal.start_workflow(
        MemberJourney.run,
        JourneyInput(member_id),
        id=settings.journey_id(member_id),
        task_queue=settings.temporal_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        start_signal=signal,
        start_signal_args=[arg],
    )
