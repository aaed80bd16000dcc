"""The dashboards' inputs, read from the rollups (built on first use, or again when the election calendar
in the policy changes) rather than from every ledger event."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session, aliased

from domain import cycles
from domain.milestones import RUNGS
from domain.retention import Cells, Span
from models.rollup_build import Calendar, ensure, moment
from models.rollups import CohortCell, ContributorSpan, CyclePresence, FunnelMilestone


@dataclass(frozen=True)
class Inputs:
    spans: list[Span]
    cells: Cells
    funnel: list[cycles.Rung]
    cycles: list[cycles.Cycle]
    mentored: set[str]


def read(session: Session, calendar: Calendar) -> Inputs:
    conn = session.connection()
    ensure(conn, calendar)
    spans = [
        Span(person, moment(first), moment(last), count)
        for person, first, last, count in conn.execute(
            select(
                ContributorSpan.person,
                ContributorSpan.first_at,
                ContributorSpan.last_at,
                ContributorSpan.contributions,
            )
        )
    ]
    cells: Cells = Counter(
        {
            (cohort, k): people
            for cohort, k, people in conn.execute(select(CohortCell.cohort, CohortCell.k, CohortCell.people))
        }
    )
    mentored = {
        f"member-{m}"
        for m in conn.scalars(select(FunnelMilestone.member_id).where(FunnelMilestone.rung == "mentored"))
    }
    return Inputs(spans, cells, _funnel(conn), _cycles(conn, calendar), mentored)


def _funnel(conn: Connection) -> list[cycles.Rung]:
    per_rung = select(FunnelMilestone.rung, func.count()).group_by(FunnelMilestone.rung)
    reached: dict[str, int] = {rung: n for rung, n in conn.execute(per_rung)}
    steps = [cycles.Step(reached.get(RUNGS[0], 0), 0, 0, [])]
    before, here = aliased(FunnelMilestone), aliased(FunnelMilestone)
    for previous, rung in pairwise(RUNGS):
        seconds = conn.scalars(
            select(here.at - before.at)
            .select_from(before)
            .join(here, (here.member_id == before.member_id) & (here.rung == rung))
            .where(before.rung == previous)
        ).all()
        days = [s / 86_400 for s in seconds]
        steps.append(cycles.Step(reached.get(rung, 0), reached.get(previous, 0), len(days), days))
    return cycles.funnel_from(RUNGS, steps)


def _cycles(conn: Connection, calendar: Calendar) -> list[cycles.Cycle]:
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
    return cycles.cycle_table(ordered, active, back)
