"""Re-engagement campaigns: who was reached, in which wave, and who came back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    segment: Mapped[dict[str, Any]] = mapped_column(
        default=dict
    )  # {"dormant": true, "chapter_id": 3, "skill": "python"}
    subject: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)  # $name is replaced with each member's name
    wave_size: Mapped[int] = mapped_column(default=50)
    wave_minutes: Mapped[int] = mapped_column(default=60)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="sending")


class CampaignRecipient(Base):
    __tablename__ = "campaign_recipients"
    __table_args__ = (UniqueConstraint("campaign_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    chapter_id: Mapped[int | None]  # the segment breakdown on the dashboard
    wave: Mapped[int]
    sent_at: Mapped[datetime | None]
    returned_at: Mapped[datetime | None]
