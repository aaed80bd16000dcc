"""The organizer review queue: members a person should look at, and why. Never an automatic ban."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, str_enum


class ReviewKind(enum.StrEnum):
    SHARED_VOUCHER = "shared-voucher"  # a voucher of theirs also vouched for a suspended member
    RING_PATTERN = "ring-pattern"  # their vouches look like a Sybil ring
    LEVEL_APPROVAL = "level-approval"  # scores qualify them for a level that needs an organizer


class ReviewOutcome(enum.StrEnum):
    CLEARED = "cleared"
    SUSPENDED = "suspended"
    APPROVED = "approved"


class ReviewItem(Base):
    __tablename__ = "review_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[ReviewKind] = mapped_column(str_enum(ReviewKind), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    # Set while the item is open so one reason never queues a member twice; cleared when resolved.
    open_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    outcome: Mapped[ReviewOutcome | None] = mapped_column(str_enum(ReviewOutcome))
    note: Mapped[str | None] = mapped_column(String(500))
