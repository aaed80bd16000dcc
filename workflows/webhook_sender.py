"""WebhookSender: one per endpoint (`webhook-{id}`). Sends each due delivery in order, at most the
endpoint's rate per minute; failed deliveries come back after a growing wait; after repeated failures the
circuit opens and nothing is sent until a cool-down passes, then one delivery tests the water."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities import webhook_contracts as acts
    from activities.webhook_contracts import Attempt, CircuitReport, DueRequest, SenderState
    from domain.webhooks import Breaker, RateWindow

SEND = timedelta(seconds=30)  # the POST times out after 10 s; the rest is the database
SWEEP = timedelta(minutes=15)  # a safety net: new work normally arrives with a nudge
ROUNDS_PER_RUN = 200
BATCH = 50


@workflow.defn
class WebhookSender:
    def __init__(self) -> None:
        self._nudged = False

    @workflow.signal
    def nudge(self) -> None:
        """New deliveries were queued (or replayed): look now rather than at the next sweep."""
        self._nudged = True

    @workflow.run
    async def run(self, state: SenderState) -> None:
        breaker = Breaker(state.failures, state.opened, state.open_until)
        window = RateWindow(60, list(state.sent))
        for _ in range(ROUNDS_PER_RUN):
            self._nudged = False
            if not breaker.allows(workflow.now()):
                await workflow.sleep(_until(breaker.open_until))
            due = await workflow.execute_activity(
                acts.due_webhook_deliveries,
                DueRequest(state.endpoint_id, workflow.now(), BATCH),
                start_to_close_timeout=SEND,
            )
            if not due.active:
                return  # the endpoint was removed or disabled; its pending deliveries were skipped
            window.per_minute = due.rate_per_minute
            for delivery_id in due.delivery_ids:
                if not await self._send(state.endpoint_id, delivery_id, breaker, window):
                    break
            if len(due.delivery_ids) == BATCH and breaker.allows(workflow.now()):
                continue  # more are waiting
            wake = min(
                [workflow.now() + SWEEP]
                + [at for at in (due.next_retry_at, breaker.open_until) if at and at > workflow.now()]
            )
            await workflow.wait_condition(lambda: self._nudged, timeout=_until(wake))
            if workflow.info().is_continue_as_new_suggested():
                break
        workflow.continue_as_new(
            replace(
                state,
                failures=breaker.failures,
                opened=breaker.opened,
                open_until=breaker.open_until,
                sent=window.sent,
            )
        )

    async def _send(self, endpoint_id: int, delivery_id: int, breaker: Breaker, window: RateWindow) -> bool:
        """Send one; False when sending should stop for now (the circuit opened)."""
        wait = window.wait(workflow.now())
        if wait > timedelta(0):
            await workflow.sleep(wait)  # never more than the endpoint's rate, whatever the backlog
        window.record(workflow.now())
        outcome = await workflow.execute_activity(
            acts.send_webhook,
            Attempt(delivery_id, workflow.now(), breaker.failures),
            start_to_close_timeout=SEND,
        )
        if outcome.endpoint_gone:
            return False
        if outcome.delivered:
            was_open = breaker.opened > 0
            breaker.succeeded()
            if was_open:
                await self._report(endpoint_id, None)
            return True
        if breaker.failed(workflow.now()):
            await self._report(endpoint_id, breaker.open_until)
            return False
        return True

    async def _report(self, endpoint_id: int, open_until: datetime | None) -> None:
        await workflow.execute_activity(
            acts.report_webhook_circuit, CircuitReport(endpoint_id, open_until), start_to_close_timeout=SEND
        )


def _until(moment: datetime | None) -> timedelta:
    return max((moment or workflow.now()) - workflow.now(), timedelta(seconds=1))
