"""The dashboards' inputs, read from the rollups (built on first use, or again when the election calendar
in the policy changes) rather than from every ledger event."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from itertools import pairwise
from typing import Any

import numpy as np
from sqlalchemy import Connection, Select, func, select
from sqlalchemy.orm import Session, aliased

from domain.cycles import Cycle, Rung, Step, cycle_table, funnel_from
from domain.milestones import RUNGS
from domain.retention import Cells, Span
from models.rollup_build import FUNNEL_COLUMNS, Calendar, ensure, moment
from models.rollups import CohortCell, ContributorMonth, ContributorSpan, CyclePresence, MemberFunnel


@dataclass
class Inputs:
    spans: list[Span]
    cells: Cells
    cycles: list[Cycle]
    funnel_rows: list[tuple[int, ...]]  # member id, then when each rung was reached (-1: not yet)
    monthly_active: list[tuple[int, int]]  # (month index, people with a contribution in it)

    # Computed on first use, outside the session's greenlet: numpy over these rows inside it crashed
    # the process (a segmentation fault under aiosqlite).
    @cached_property
    def _funnel(self) -> tuple[list[Rung], set[str]]:
        table = np.array(self.funnel_rows, dtype=np.int64).reshape(len(self.funnel_rows), len(RUNGS) + 1)
        members, when = table[:, 0], table[:, 1:]
        reached = when >= 0
        steps = [Step(int(reached[:, 0].sum()), 0, 0, [])]
        for n in range(1, len(RUNGS)):
            both = reached[:, n - 1] & reached[:, n]
            days = (when[both, n] - when[both, n - 1]) / 86_400
            steps.append(Step(int(reached[:, n].sum()), int(reached[:, n - 1].sum()), len(days), days))
        mentored = {f"member-{m}" for m in members[reached[:, RUNGS.index("mentored")]].tolist()}
        return funnel_from(RUNGS, steps), mentored

    @property
    def funnel(self) -> list[Rung]:
        return self._funnel[0]

    @property
    def mentored(self) -> set[str]:
        return self._funnel[1]


def read(session: Session, calendar: Calendar) -> Inputs:
    conn = session.connection()
    ensure(conn, calendar)
    spans = [
        Span(person, moment(first), moment(last), count)
        for person, first, last, count in _fetch_all(
            conn,
            select(
                ContributorSpan.person,
                ContributorSpan.first_at,
                ContributorSpan.last_at,
                ContributorSpan.contributions,
            ),
        )
    ]
    cells: Cells = Counter(
        {
            (cohort, k): people
            for cohort, k, people in conn.execute(select(CohortCell.cohort, CohortCell.k, CohortCell.people))
        }
    )
    columns = [func.coalesce(getattr(MemberFunnel, c), -1) for c in FUNNEL_COLUMNS]
    funnel_rows = _fetch_all(conn, select(MemberFunnel.member_id, *columns))
    per_month = select(ContributorMonth.month, func.count()).group_by(ContributorMonth.month)
    monthly = [(month, people) for month, people in conn.execute(per_month.order_by(ContributorMonth.month))]
    return Inputs(spans, cells, _cycles(conn, calendar), funnel_rows, monthly)


def _cycles(conn: Connection, calendar: Calendar) -> list[Cycle]:
    ordered = sorted(calendar.elections)
    per_election = select(CyclePresence.election, func.count()).group_by(CyclePresence.election)
    counted: dict[date, int] = {election: n for election, n in conn.execute(per_election)}
    active = {day: counted.get(day, 0) for day in ordered}
    this, after = aliased(CyclePresence), aliased(CyclePresence)
    back = {
        day: conn.scalar(
            select(func.count())
            .select_from(this)
            .join(after, (after.person == this.person) & (after.election == following))
            .where(this.election == day)
        )
        or 0
        for day, following in pairwise(ordered)
    }
    return cycle_table(ordered, active, back)


def _fetch_all(conn: Connection, statement: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Plain tuples from the driver's cursor: on 100,000 rows SQLAlchemy's row objects cost more than
    the query itself (measured in bench/dashboard.py). Only for statements without parameters."""
    sql = str(statement.compile(conn, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()
