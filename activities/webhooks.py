"""Webhook deliveries: which are due, one signed POST each, and what happened, kept for the log page."""

from __future__ import annotations

import json
import time

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from activities.public_network import AddressRefused
from activities.telemetry import WEBHOOK_DELIVERIES
from activities.webhook_contracts import Attempt, CircuitReport, Due, DueRequest, Outcome
from domain import webhooks
from domain.sealing import Sealer
from models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from models.base import utcnow

USER_AGENT = "Perennial-Webhooks/1"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class WebhookStore:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        http: httpx.Client,
        sealer: Sealer,
    ) -> None:
        """`http` decides which addresses deliveries may reach (activities/public_network.py)."""
        self._sessions = sessions
        self._http = http
        self._sealer = sealer

    @activity.defn
    def due_webhook_deliveries(self, req: DueRequest) -> Due:
        with self._sessions.begin() as session:
            endpoint = session.get(WebhookEndpoint, req.endpoint_id)
            if endpoint is None or endpoint.disabled_at is not None:
                if endpoint is not None:
                    _skip_pending(session, endpoint.id)
                return Due(False, 0, [], None)
            pending = (
                WebhookDelivery.endpoint_id == endpoint.id,
                WebhookDelivery.status == DeliveryStatus.PENDING,
            )
            turn = (WebhookDelivery.next_attempt_at.is_(None)) | (WebhookDelivery.next_attempt_at <= req.now)
            ids = session.scalars(
                select(WebhookDelivery.id).where(*pending, turn).order_by(WebhookDelivery.id).limit(req.limit)
            ).all()
            later = session.scalar(
                select(func.min(WebhookDelivery.next_attempt_at)).where(
                    *pending, WebhookDelivery.next_attempt_at > req.now
                )
            )
            return Due(True, endpoint.rate_per_minute, list(ids), later)

    @activity.defn
    def send_webhook(self, req: Attempt) -> Outcome:
        with self._sessions() as session:
            delivery = session.get_one(WebhookDelivery, req.delivery_id)
            if delivery.status is not DeliveryStatus.PENDING:
                return Outcome(True)  # a retry of an attempt that was recorded: never send twice
            endpoint = session.get_one(WebhookEndpoint, delivery.endpoint_id)
            event = session.get_one(Event, delivery.event_id)
            facts = webhooks.LedgerFacts(
                event.id,
                event.kind,
                event.at,
                event.subject_type,
                event.subject_id,
                event.actor_id,
                event.payload,
            )
            body = webhooks.body(facts, delivery.id)
            url, secret = endpoint.url, self._sealer.unseal(endpoint.secret_sealed)
        payload = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
        outcome, retry_after = self._post(url, secret, payload, body["type"], delivery.id)
        self._record(req, outcome, retry_after)
        WEBHOOK_DELIVERIES.labels("delivered" if outcome.delivered else "failed").inc()
        return outcome

    @activity.defn
    def report_webhook_circuit(self, req: CircuitReport) -> None:
        text = f"open until {req.open_until:%Y-%m-%d %H:%M} UTC" if req.open_until else "closed"
        with self._sessions.begin() as session:
            session.execute(
                update(WebhookEndpoint).where(WebhookEndpoint.id == req.endpoint_id).values(circuit=text)
            )

    def _post(
        self, url: str, secret: str, payload: bytes, event_type: str, delivery_id: int
    ) -> tuple[Outcome, int | None]:
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Perennial-Event": event_type,
            "Perennial-Delivery": str(delivery_id),
            webhooks.SIGNATURE_HEADER: webhooks.signature(secret, int(time.time()), payload),
        }
        try:
            response = self._http.post(url, content=payload, headers=headers, timeout=TIMEOUT)
        except httpx.HTTPError as exc:
            if isinstance(exc.__cause__, AddressRefused):
                return Outcome(False, error=str(exc.__cause__)), None
            return Outcome(False, error=f"{type(exc).__name__}: could not reach the endpoint"), None
        code = response.status_code
        if 200 <= code < 300:
            return Outcome(True, code), None
        retry_after = response.headers.get("retry-after", "")
        return (
            Outcome(False, code, f"answered {code}", endpoint_gone=code == 410),
            int(retry_after) if retry_after.isdigit() else None,
        )

    def _record(self, req: Attempt, outcome: Outcome, retry_after: int | None) -> None:
        with self._sessions.begin() as session:
            delivery = session.get_one(WebhookDelivery, req.delivery_id)
            delivery.attempts += 1
            delivery.last_attempt_at = utcnow()
            delivery.last_status_code = outcome.status_code
            delivery.last_error = outcome.error
            if outcome.delivered:
                delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                    DeliveryStatus.DELIVERED,
                    utcnow(),
                    None,
                )
            elif outcome.endpoint_gone:
                endpoint = session.get_one(WebhookEndpoint, delivery.endpoint_id)
                endpoint.disabled_at = utcnow()
                endpoint.disabled_reason = "The receiver answered 410 Gone."
                delivery.status = DeliveryStatus.FAILED
                _skip_pending(session, endpoint.id)
            elif delivery.attempts >= webhooks.MAX_ATTEMPTS:
                delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            else:
                delivery.next_attempt_at = req.now + webhooks.backoff(delivery.attempts, retry_after)


def _skip_pending(session: Session, endpoint_id: int) -> None:
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.SKIPPED, next_attempt_at=None)
    )
