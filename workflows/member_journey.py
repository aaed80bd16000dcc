"""MemberJourney: one durable process per member, from signup through the playbook, idle spells and return."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities import contracts
    from activities.contracts import MailRequest, PublishView, RecordSignup, RecordStatus, RecordStep
    from domain import journey
    from domain.journey import (
        ActivitySeen,
        IdleAction,
        IdleActionKind,
        JourneyInput,
        JourneyState,
        JourneyView,
        SignInLinkRequest,
        StepCompletion,
        TrustChanged,
    )

from workflows.journey_standing import DATABASE_WRITE, MAIL_SEND, StandingHandlers

SIGN_IN_LINK_INTERVAL = timedelta(minutes=1)
# Journeys started before the read side existed replay without publishing; they publish after their next
# continue-as-new, and the web asks them directly until then.
READ_SIDE = "journey-read-side"


@workflow.defn
class MemberJourney(StandingHandlers):
    @workflow.init
    def __init__(self, inp: JourneyInput) -> None:
        self._state: JourneyState | None = inp.state
        if inp.state is not None:
            inp.state.playbook = journey.shared(inp.state.playbook)
        self._lock = asyncio.Lock()
        self._last_link_at = None if inp.state is None else workflow.now() - SIGN_IN_LINK_INTERVAL
        self._publishing = False
        self._published: JourneyView | None = None

    @workflow.run
    async def run(self, inp: JourneyInput) -> None:
        if self._state is None:
            await self._sign_up(inp.member_id)
        if workflow.patched(READ_SIDE):
            self._publishing = True
            self._publisher = asyncio.create_task(self._publish_views())
        while True:
            action = journey.next_idle_action(self.state)
            if action is None:
                await self._activity_before(None)
            elif not await self._activity_before(action.at):
                await self._on_idle(action)
            if self._history_is_long(inp.history_limit):
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(JourneyInput(inp.member_id, self.state, inp.history_limit))

    @workflow.update
    async def complete_step(self, completion: StepCompletion) -> JourneyView:
        await workflow.wait_condition(lambda: self._state is not None)
        async with self._lock:
            if reason := journey.refusal(self.state, completion):
                raise ApplicationError(reason, type="Rejected", non_retryable=True)
            now, was_dormant = workflow.now(), self.state.dormant
            await self._record_step(completion, now)
            journey.record_completion(self.state, completion.step_id, now)
            await self._returned_if_dormant(now, returned=was_dormant)
        await self._until_view_published()
        return journey.view(self.state)

    @complete_step.validator
    def _validate_completion(self, completion: StepCompletion) -> None:
        if self._state is not None and (reason := journey.refusal(self._state, completion)):
            raise ValueError(reason)

    @workflow.signal
    async def activity_seen(self, seen: ActivitySeen) -> None:
        await workflow.wait_condition(lambda: self._state is not None)
        async with self._lock:
            now = workflow.now()
            returned = journey.touch(self.state, now)
            await self._returned_if_dormant(now, returned=returned)

    @workflow.signal
    async def trust_changed(self, change: TrustChanged) -> None:
        await workflow.wait_condition(lambda: self._state is not None)
        self.state.trust_level = change.new_level
        key = f"{workflow.info().workflow_id}/trust/{workflow.uuid4()}"  # replays give the same uuid
        await workflow.execute_activity(
            contracts.send_level_change,
            MailRequest(
                self.state.member_id, workflow.now(), key, step_id=change.action, nth=change.new_level
            ),
            start_to_close_timeout=MAIL_SEND,
        )

    @workflow.signal
    async def send_sign_in_link(self, request: SignInLinkRequest) -> None:
        await workflow.wait_condition(lambda: self._state is not None)
        now = workflow.now()
        if self._last_link_at is not None and now - self._last_link_at < SIGN_IN_LINK_INTERVAL:
            return  # one link a minute is plenty; more would let anyone flood an inbox
        self._last_link_at = now
        self.state.sign_in_links_sent += 1
        key = f"{workflow.info().workflow_id}/sign-in/{self.state.sign_in_links_sent}"
        await workflow.execute_activity(
            contracts.send_sign_in_link,
            MailRequest(self.state.member_id, now, key),
            start_to_close_timeout=MAIL_SEND,
        )

    @workflow.query
    def view(self) -> JourneyView | None:
        return None if self._state is None else journey.view(self._state)

    async def _publish_views(self) -> None:
        """Keep the read-side row equal to the view: after every change, one short local write."""
        while True:
            await workflow.wait_condition(lambda: journey.view(self.state) != self._published)
            view = journey.view(self.state)
            await workflow.execute_local_activity(
                contracts.publish_view,
                PublishView(view, workflow.now()),
                start_to_close_timeout=DATABASE_WRITE,
            )
            self._published = view

    async def _sign_up(self, member_id: int) -> None:
        async with self._lock:
            now, wf_id = workflow.now(), workflow.info().workflow_id
            # Local: a short database write in the worker itself, no round trip through the server.
            playbook = await workflow.execute_local_activity(
                contracts.start_journey,
                RecordSignup(member_id, now, f"{wf_id}/signup"),
                start_to_close_timeout=DATABASE_WRITE,
            )
            self._state = JourneyState(
                member_id, journey.shared(playbook), signed_up_at=now, last_activity_at=now
            )
            self._last_link_at = now
            await workflow.execute_local_activity(
                contracts.send_welcome,
                MailRequest(member_id, now, f"{wf_id}/welcome"),
                start_to_close_timeout=MAIL_SEND,
            )

    async def _activity_before(self, deadline: datetime | None) -> bool:
        """Wait until the member does something (True) or the deadline passes (False)."""
        seen = self.state.activity_count
        if deadline is None:
            await workflow.wait_condition(lambda: self.state.activity_count != seen)
            return True
        timeout = deadline - workflow.now()
        if timeout <= timedelta(0):
            return False
        try:
            await workflow.wait_condition(lambda: self.state.activity_count != seen, timeout=timeout)
        except TimeoutError:
            return False
        return True

    async def _on_idle(self, action: IdleAction) -> None:
        async with self._lock:
            if journey.next_idle_action(self.state) != action:
                return  # the member came back while we waited for the lock
            state, now = self.state, workflow.now()
            idle_days = (now - state.last_activity_at).days
            key = f"{workflow.info().workflow_id}/idle/{state.activity_count}/{action.name}"
            request = MailRequest(state.member_id, now, key, action.step_id, idle_days=idle_days)
            if action.kind is IdleActionKind.REMIND:
                step = state.playbook.step(action.step_id or "")
                nth = 1 + (step.reminder_days.index(int(action.name.split("-")[1])) if step else 0)
                await workflow.execute_activity(
                    contracts.send_nudge, replace(request, nth=nth), start_to_close_timeout=MAIL_SEND
                )
            elif action.kind is IdleActionKind.ESCALATE:
                await workflow.execute_activity(
                    contracts.send_escalation, request, start_to_close_timeout=MAIL_SEND
                )
            else:
                await workflow.execute_activity(
                    contracts.mark_dormant,
                    RecordStatus(state.member_id, now, key, idle_days),
                    start_to_close_timeout=DATABASE_WRITE,
                )
                state.dormant = True
            state.fired.append(action.name)

    async def _record_step(self, completion: StepCompletion, now: datetime) -> None:
        state = self.state
        later = [
            s.id for s in state.playbook.steps if s.id not in state.completed and s.id != completion.step_id
        ]
        key = f"{workflow.info().workflow_id}/step/{completion.step_id}"
        record = RecordStep(
            state.member_id,
            completion.step_id,
            completion.actor_id,
            completion.by.value,
            now,
            key,
            later[0] if later else None,
            dict(completion.form),
        )
        await self._write_for_caller(
            contracts.record_step, record, f"Step '{completion.step_id}' was not recorded"
        )

    async def _returned_if_dormant(self, now: datetime, *, returned: bool) -> None:
        if not returned:
            return
        key = f"{workflow.info().workflow_id}/returned/{self.state.activity_count}"
        await workflow.execute_activity(
            contracts.mark_returned,
            RecordStatus(self.state.member_id, now, key),
            start_to_close_timeout=DATABASE_WRITE,
        )

    def _history_is_long(self, limit: int | None) -> bool:
        info = workflow.info()
        return info.is_continue_as_new_suggested() or (
            limit is not None and info.get_current_history_length() >= limit
        )
