"""Drift reports: what AccessReconcile found between the grants and GitHub, its plan, and what it fixed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class DriftRecord(Base):
    __tablename__ = "drift_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # workflow id and run id: a retry writes once
    found_at: Mapped[datetime] = mapped_column(index=True)
    dry_run: Mapped[bool]  # False for a run that applied a confirmed report's fixes
    findings: Mapped[int]
    allowed: Mapped[int]  # plan items a confirmation would apply
    report: Mapped[dict[str, Any]]  # domain.reconcile.DriftReport as JSON
    confirms_id: Mapped[int | None] = mapped_column(ForeignKey("drift_reports.id"), index=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    fixes: Mapped[list[Any]] = mapped_column(JSON, default=list)  # domain.reconcile.Fix as JSON
    fixed_at: Mapped[datetime | None]
