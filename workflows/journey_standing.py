"""The member's standing, as handlers of MemberJourney: vouches given and withdrawn, asks for vouches,
suspension and reinstatement. A base class only to keep the journey's file short; it is not a workflow."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities import contracts
    from activities.contracts import (
        MailRequest,
        RecordReinstatement,
        RecordRevocation,
        RecordSuspension,
        RecordVouch,
    )
    from domain import journey, vouching
    from domain.journey import JourneyState, JourneyView, VouchAsk
    from domain.vouching import (
        Reinstatement,
        Revocation,
        Suspension,
        SuspensionOutcome,
        Vouch,
        VouchOutcome,
        VouchRequest,
    )

DATABASE_WRITE = timedelta(seconds=30)
MAIL_SEND = timedelta(seconds=60)
# A caller waits on an update: give up after a few attempts so they get an answer, not a hang.
CALLER_WAITING = RetryPolicy(maximum_attempts=5)


class StandingHandlers:
    _state: JourneyState | None
    _lock: asyncio.Lock
    _publishing: bool  # this run keeps the read-side row (models.journey_view) current
    _published: JourneyView | None

    @property
    def state(self) -> JourneyState:
        if self._state is None:
            raise ApplicationError("the journey has not started yet", non_retryable=True)
        return self._state

    @workflow.update
    async def vouch(self, request: VouchRequest) -> VouchOutcome:
        await workflow.wait_condition(lambda: self._state is not None)
        async with self._lock:
            if reason := self._vouch_refusal(request):
                raise ApplicationError(reason, type="Rejected", non_retryable=True)
            now, voucher = workflow.now(), request.voucher
            record = RecordVouch(
                self.state.member_id,
                voucher.voucher_id,
                request.statement,
                request.relation.value,
                now,
                now + timedelta(days=request.policy.expiry_days),
                vouching.budget(voucher, request.policy),
                f"{workflow.info().workflow_id}/vouch/{voucher.voucher_id}",
            )
            await self._write_for_caller(contracts.record_vouch, record, "The vouch was not recorded")
            self.state.vouches.append(Vouch(voucher.voucher_id, voucher.chapter_id, request.relation))
            return VouchOutcome(
                len(self.state.vouches), vouching.requirement_met(self.state.vouches, request.policy)
            )

    @vouch.validator
    def _validate_vouch(self, request: VouchRequest) -> None:
        if self._state is not None and (reason := self._vouch_refusal(request)):
            raise ValueError(reason)

    @workflow.update
    async def revoke_vouch(self, revocation: Revocation) -> VouchOutcome:
        await workflow.wait_condition(lambda: self._state is not None)
        async with self._lock:
            if not any(v.voucher_id == revocation.voucher_id for v in self.state.vouches):
                raise ApplicationError("You have no vouch for this member to revoke.", type="Rejected")
            key = f"{workflow.info().workflow_id}/revoke/{revocation.voucher_id}/{workflow.uuid4()}"
            record = RecordRevocation(self.state.member_id, revocation.voucher_id, workflow.now(), key)
            await self._write_for_caller(contracts.revoke_vouch, record, "The vouch was not revoked")
            self.state.vouches = [v for v in self.state.vouches if v.voucher_id != revocation.voucher_id]
            return VouchOutcome(
                len(self.state.vouches), vouching.requirement_met(self.state.vouches, revocation.policy)
            )

    @workflow.update
    async def ask_for_vouches(self, ask: VouchAsk) -> int:
        """Email each named member once, asking whether they would vouch; returns how many were asked."""
        await workflow.wait_condition(lambda: self._state is not None)
        async with self._lock:
            if reason := journey.ask_refusal(self.state, ask):
                raise ApplicationError(reason, type="Rejected", non_retryable=True)
            now, wf_id = workflow.now(), workflow.info().workflow_id
            member_id = self.state.member_id
            self.state.asked.extend(ask.member_ids)
            await asyncio.gather(
                *(
                    workflow.execute_activity(
                        contracts.send_vouch_ask,
                        MailRequest(asked, now, f"{wf_id}/ask/{asked}", about_id=member_id),
                        start_to_close_timeout=MAIL_SEND,
                    )
                    for asked in ask.member_ids
                )
            )
            return len(ask.member_ids)

    @ask_for_vouches.validator
    def _validate_ask(self, ask: VouchAsk) -> None:
        if self._state is not None and (reason := journey.ask_refusal(self._state, ask)):
            raise ValueError(reason)

    @workflow.update
    async def suspend(self, suspension: Suspension) -> SuspensionOutcome:
        """Suspend with a reason; each voucher is told and loses some vouch capacity for a while."""
        await workflow.wait_condition(lambda: self._state is not None)
        async with self._lock:
            if reason := vouching.suspension_refusal(self.state.suspended, suspension):
                raise ApplicationError(reason, type="Rejected", non_retryable=True)
            now, wf_id = workflow.now(), workflow.info().workflow_id
            points = suspension.penalty_points
            record = RecordSuspension(
                self.state.member_id,
                suspension.organizer_id,
                suspension.reason,
                points,
                now,
                f"{wf_id}/suspend/{self.state.suspensions}",
            )
            outcome: SuspensionOutcome = await self._write_for_caller(
                contracts.suspend_member, record, "The suspension was not recorded"
            )
            self.state.suspended = True
            self.state.suspensions += 1
            await asyncio.gather(
                *(
                    workflow.execute_activity(
                        contracts.send_voucher_notice,
                        MailRequest(
                            voucher_id,
                            now,
                            f"{record.key}/notice/{voucher_id}",
                            nth=points,
                            about_id=record.member_id,
                        ),
                        start_to_close_timeout=MAIL_SEND,
                    )
                    for voucher_id in outcome.voucher_ids
                )
            )
        await self._until_view_published()
        return outcome

    @suspend.validator
    def _validate_suspension(self, suspension: Suspension) -> None:
        if self._state is not None and (
            reason := vouching.suspension_refusal(self._state.suspended, suspension)
        ):
            raise ValueError(reason)

    @workflow.update
    async def reinstate(self, reinstatement: Reinstatement) -> JourneyView:
        await workflow.wait_condition(lambda: self._state is not None)
        async with self._lock:
            if reason := vouching.suspension_refusal(self.state.suspended, reinstatement):
                raise ApplicationError(reason, type="Rejected", non_retryable=True)
            now = workflow.now()
            key = f"{workflow.info().workflow_id}/reinstate/{self.state.suspensions}"
            record = RecordReinstatement(
                self.state.member_id, reinstatement.organizer_id, reinstatement.reason, now, key
            )
            await self._write_for_caller(contracts.reinstate_member, record, "The suspension was not lifted")
            self.state.suspended = False
            journey.touch(self.state, now)  # the idle clock starts again from the reinstatement
        await self._until_view_published()
        return journey.view(self.state)

    @reinstate.validator
    def _validate_reinstatement(self, reinstatement: Reinstatement) -> None:
        if self._state is not None and (
            reason := vouching.suspension_refusal(self._state.suspended, reinstatement)
        ):
            raise ValueError(reason)

    async def _until_view_published(self) -> None:
        """An update that changed the view answers only once the read side shows it, so the caller's next
        page (read from there) has the change."""
        if self._publishing:
            await workflow.wait_condition(lambda: self._published == journey.view(self.state))

    def _vouch_refusal(self, request: VouchRequest) -> str | None:
        return vouching.refusal(request, self.state.member_id, self.state.vouches, self.state.suspended)

    async def _write_for_caller(self, write: Callable[[Any], Any], record: object, failed: str) -> Any:
        """Run a write that someone waits on; a refusal becomes their answer, with its reason."""
        try:
            return await workflow.execute_activity(
                write, record, start_to_close_timeout=DATABASE_WRITE, retry_policy=CALLER_WAITING
            )
        except ActivityError as exc:
            cause = exc.cause
            if isinstance(cause, ApplicationError) and cause.type in ("Rejected", "NotFound"):
                raise ApplicationError(
                    f"{failed}: {cause.message}", type="Rejected", non_retryable=True
                ) from exc
            # Anything else is ours, not the caller's (its text can hold SQL and other members' data): the
            # worker's log has it.
            raise ApplicationError(
                f"{failed}: something went wrong on our side; try again later.",
                type="Rejected",
                non_retryable=True,
            ) from exc
