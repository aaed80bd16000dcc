"""What the WebhookSender workflow may ask of activities (activities/webhooks.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from temporalio import activity


@dataclass(frozen=True)
class SenderState:
    """The workflow's input, carried across continue-as-new: ids, counters and times only."""

    endpoint_id: int
    failures: int = 0
    opened: int = 0
    open_until: datetime | None = None
    sent: list[datetime] = field(default_factory=list)


@dataclass(frozen=True)
class DueRequest:
    endpoint_id: int
    now: datetime  # the workflow's clock, so retries wait in workflow time (and tests can skip it)
    limit: int = 50


@dataclass(frozen=True)
class Due:
    active: bool
    rate_per_minute: int
    delivery_ids: list[int]
    next_retry_at: datetime | None


@dataclass(frozen=True)
class Attempt:
    delivery_id: int
    now: datetime
    failures_before: int  # the endpoint's consecutive failures, for the log


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    status_code: int | None = None
    error: str | None = None
    endpoint_gone: bool = False  # the receiver answered 410: stop sending there


@dataclass(frozen=True)
class CircuitReport:
    endpoint_id: int
    open_until: datetime | None


@activity.defn(name="due_webhook_deliveries")
def due_webhook_deliveries(req: DueRequest) -> Due:
    """WebhookStore.due_webhook_deliveries: pending deliveries whose turn has come, oldest first."""
    raise NotImplementedError


@activity.defn(name="send_webhook")
def send_webhook(req: Attempt) -> Outcome:
    """WebhookStore.send_webhook: one signed POST, its outcome recorded, the next try scheduled."""
    raise NotImplementedError


@activity.defn(name="report_webhook_circuit")
def report_webhook_circuit(req: CircuitReport) -> None:
    """WebhookStore.report_webhook_circuit: show the breaker's state on the delivery log page."""
    raise NotImplementedError
