"""The append-only history of trust scores: one row per member per recompute, with its explanation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class TrustScore(Base):
    __tablename__ = "trust_scores"
    __table_args__ = (
        UniqueConstraint("run_id", "member_id"),
        Index("ix_trust_scores_member_computed", "member_id", "computed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(String(100))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    computed_at: Mapped[datetime]
    advogato_level: Mapped[int]
    rank_score: Mapped[float]
    rank_percentile: Mapped[float]
    level: Mapped[int]
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500))
    checklist: Mapped[dict[str, Any]] = mapped_column(default=dict)
