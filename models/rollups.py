"""Rollups of the ledger that the dashboards read instead of every event. They are kept current as
events are flushed (`models.rollup_upkeep`) and can be rebuilt from the ledger at any time.

Times are whole seconds since the epoch (UTC) and months are `year * 12 + month - 1`: the dashboards read
these tables in bulk, and integers read much faster than timestamps, above all on SQLite."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class ContributorSpan(Base):
    """One row per person (`member-<id>`, or `identity-<id>` until the identity is claimed)."""

    __tablename__ = "rollup_spans"

    person: Mapped[str] = mapped_column(String(40), primary_key=True)
    first_at: Mapped[int] = mapped_column(BigInteger)
    last_at: Mapped[int] = mapped_column(BigInteger)
    first_month: Mapped[int]
    contributions: Mapped[int]


class ContributorMonth(Base):
    __tablename__ = "rollup_months"

    person: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True)


class CohortCell(Base):
    """People of the cohort (month of first contribution) who contributed `k` months after it."""

    __tablename__ = "rollup_cohort_cells"

    cohort: Mapped[int] = mapped_column(primary_key=True)
    k: Mapped[int] = mapped_column(primary_key=True)
    people: Mapped[int]


class CyclePresence(Base):
    """A person contributed within an election's window (the calendar is in `RollupState`)."""

    __tablename__ = "rollup_cycles"

    election: Mapped[date] = mapped_column(primary_key=True)
    person: Mapped[str] = mapped_column(String(40), primary_key=True)


def funnel_column(rung: str) -> str:
    return rung.replace(":", "").replace(" ", "_")


class MemberFunnel(Base):
    """When a member first reached each rung of the funnel (`domain.milestones.RUNGS`, one column each,
    named by `funnel_column`); null while not reached."""

    __tablename__ = "rollup_funnel"

    member_id: Mapped[int] = mapped_column(primary_key=True)
    signed_up: Mapped[int | None] = mapped_column(BigInteger)
    code_of_conduct: Mapped[int | None] = mapped_column(BigInteger)
    vouched: Mapped[int | None] = mapped_column(BigInteger)
    first_contribution: Mapped[int | None] = mapped_column(BigInteger)
    mentored: Mapped[int | None] = mapped_column(BigInteger)
    access_read: Mapped[int | None] = mapped_column(BigInteger)
    access_triage: Mapped[int | None] = mapped_column(BigInteger)
    access_write: Mapped[int | None] = mapped_column(BigInteger)
    access_maintain: Mapped[int | None] = mapped_column(BigInteger)
    access_admin: Mapped[int | None] = mapped_column(BigInteger)


class RollupState(Base):
    """`calendar`: the election days and window the rollups were built for. No row: never built."""

    __tablename__ = "rollup_state"

    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    value: Mapped[dict[str, Any]]
