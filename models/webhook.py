"""Outbound webhooks: endpoints organizers subscribe, and one delivery row per event per endpoint."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, str_enum


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its turn, or for its next try
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the last try; replay sends it again
    SKIPPED = "skipped"  # the endpoint was disabled before it went


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(120))
    event_types: Mapped[list[str]] = mapped_column(default=list)
    # Encrypted with the payload key: it must be readable to sign, so it cannot be only a hash.
    secret_sealed: Mapped[str] = mapped_column(String(200))
    rate_per_minute: Mapped[int] = mapped_column(default=60)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    # What the delivery workflow last reported, for the page: "closed", or "open until <time>".
    circuit: Mapped[str] = mapped_column(String(60), default="closed")


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id", "replay_number"),
        Index("ix_webhook_deliveries_due", "endpoint_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    event_type: Mapped[str] = mapped_column(String(40))
    replay_number: Mapped[int] = mapped_column(default=0)  # 0 for the original; replays count up
    replay_of_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_deliveries.id"))
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    last_attempt_at: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    delivered_at: Mapped[datetime | None]
