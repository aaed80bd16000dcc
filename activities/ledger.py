"""Appending to the event ledger, keyed so that an activity retried by Temporal writes once."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Event


def already_recorded(session: Session, key: str) -> bool:
    return session.scalar(select(Event.id).where(Event.idempotency_key == key)) is not None


def append(
    session: Session,
    *,
    key: str | None,
    kind: str,
    subject_id: int,
    at: datetime,
    actor_id: int | None = None,
    subject_type: str = "member",
    payload: dict[str, Any] | None = None,
) -> Event:
    event = Event(
        idempotency_key=key,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        at=at,
        actor_id=actor_id,
        payload=payload or {},
    )
    session.add(event)
    return event
