"""Identities seen in contributions (a GitHub login, a git author email) that no member has claimed yet."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class UnclaimedIdentity(Base):
    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("provider", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))  # "github" or "git-email"
    value: Mapped[str] = mapped_column(String(254))
    first_seen_at: Mapped[datetime]
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    claimed_at: Mapped[datetime | None]
