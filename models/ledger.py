"""The append-only event ledger: who did what, when and why. Later features feed it; dashboards read it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_subject", "subject_type", "subject_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int]
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Activities run at least once; the key (workflow id + step) makes a retry write nothing new.
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
