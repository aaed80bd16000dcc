"""Queues webhook deliveries in the same transaction that writes the ledger event (a transactional
outbox): an event is announced if and only if it was recorded. After the commit, listeners (the web and
worker processes) are told which endpoints have new work, so their delivery workflows wake at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from domain.webhooks import announced_type
from models.base import utcnow
from models.ledger import Event
from models.webhook import WebhookDelivery, WebhookEndpoint

Listener = Callable[[set[int]], None]
_listeners: list[Listener] = []
_PENDING = "webhook_endpoints_with_new_work"


def add_listener(listener: Listener) -> None:
    _listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def enqueue(session: Session, events: list[Event]) -> set[int]:
    """Insert a pending delivery per subscribed, enabled endpoint for each announced event."""
    announced = [(e, announced_type(e.kind)) for e in events]
    announced_events = [(e, kind) for e, kind in announced if kind is not None]
    if not announced_events:
        return set()
    conn = session.connection()
    endpoints = conn.execute(
        select(WebhookEndpoint.id, WebhookEndpoint.event_types).where(WebhookEndpoint.disabled_at.is_(None))
    ).all()
    pairs = [
        (endpoint_id, e, kind)
        for e, kind in announced_events
        for endpoint_id, types in endpoints
        if kind in types
    ]
    if pairs:
        now = utcnow()
        rows = [
            dict(endpoint_id=i, event_id=e.id, event_type=kind.value, created_at=now) for i, e, kind in pairs
        ]
        conn.execute(insert(WebhookDelivery), rows)
    return {endpoint_id for endpoint_id, _, _ in pairs}


@event.listens_for(Session, "after_flush")
def _queue_deliveries(session: Session, _context: Any) -> None:
    events = [e for e in session.new if isinstance(e, Event) and announced_type(e.kind) is not None]
    if events:
        session.info.setdefault(_PENDING, set()).update(enqueue(session, events))


@event.listens_for(Session, "after_commit")
def _tell_listeners(session: Session) -> None:
    endpoints = session.info.pop(_PENDING, None)
    if endpoints:
        for listener in list(_listeners):
            listener(set(endpoints))


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
