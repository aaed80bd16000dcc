"""Keeps the rollups current as ledger events are flushed, in the same transaction, whatever wrote them
(web, worker or command line). Until the rollups are first built there is nothing to keep: the build
reads the whole ledger."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, event, select, update
from sqlalchemy.orm import Session

from domain.contributions import LEDGER_PREFIX
from domain.cycles import elections_counting
from domain.milestones import KINDS, rungs_reached
from domain.retention import IDENTITY_CLAIMED, month_index, person_key
from models.ledger import Event
from models.rollup_build import (
    Calendar,
    add_people,
    bump_cell,
    claimants,
    epoch,
    ledger_contributions,
    moment,
    reach,
    read_calendar,
    upsert,
)
from models.rollups import ContributorMonth, ContributorSpan, CyclePresence


@event.listens_for(Session, "after_flush")
def _keep_rollups(session: Session, _context: Any) -> None:
    # `session.new` still lists what this flush inserted; the rows are in the database now.
    events = [e for e in session.new if isinstance(e, Event) and _counted(e.kind)]
    if not events:  # most flushes (mail sent, steps, grants...) touch no rollup: no query at all
        return
    conn = session.connection()
    calendar = read_calendar(conn)
    if calendar is None:
        return
    for e in sorted(events, key=lambda e: e.id):
        record(conn, calendar, e)


def _counted(kind: str) -> bool:
    return kind == IDENTITY_CLAIMED or kind.startswith(LEDGER_PREFIX) or kind in KINDS


def record(conn: Connection, calendar: Calendar, e: Event) -> None:
    if e.kind == IDENTITY_CLAIMED:
        refresh(conn, calendar, identities=[e.subject_id], members=[int(e.payload["member_id"])])
    elif e.kind.startswith(LEDGER_PREFIX) and e.subject_type in ("member", "identity"):
        claimed = claimants(conn, [e.subject_id]) if e.subject_type == "identity" else {}
        add_contribution(conn, calendar, person_key(e.subject_type, e.subject_id, claimed), e.at)
    if e.subject_type == "member":
        for rung in rungs_reached(e.kind, e.payload):
            reach(conn, e.subject_id, rung, e.at)


def add_contribution(conn: Connection, calendar: Calendar, person: str, at: datetime) -> None:
    seconds, month = epoch(at), month_index(at)
    placeholder = dict(person=person, first_at=seconds, last_at=seconds, first_month=month, contributions=0)
    conn.execute(upsert(conn, ContributorSpan).values(**placeholder).on_conflict_do_nothing())
    # The row lock serializes writers adding to the same person (PostgreSQL; SQLite has one writer).
    span = conn.execute(
        select(ContributorSpan).where(ContributorSpan.person == person).with_for_update()
    ).one()
    first_at = min(span.first_at, seconds) if span.contributions else seconds
    cohort = month_index(moment(first_at))
    if span.contributions and cohort != span.first_month:  # earlier work arrived: the person changes cohort
        for active in conn.scalars(select(ContributorMonth.month).where(ContributorMonth.person == person)):
            bump_cell(conn, span.first_month, active - span.first_month, -1)
            bump_cell(conn, cohort, active - cohort, 1)
    conn.execute(
        update(ContributorSpan)
        .where(ContributorSpan.person == person)
        .values(
            first_at=first_at,
            last_at=max(span.last_at, seconds) if span.contributions else seconds,
            first_month=cohort,
            contributions=span.contributions + 1,
        )
    )
    month_row = upsert(conn, ContributorMonth).values(person=person, month=month)
    added = conn.execute(month_row.on_conflict_do_nothing().returning(ContributorMonth.month)).first()
    if added is not None:  # (rowcount cannot tell: psycopg reports -1 for a skipped conflict)
        bump_cell(conn, cohort, month - cohort, 1)
    for day in elections_counting(at, calendar.windows):
        conn.execute(upsert(conn, CyclePresence).values(election=day, person=person).on_conflict_do_nothing())


def refresh(
    conn: Connection, calendar: Calendar, *, members: Collection[int], identities: Collection[int] = ()
) -> None:
    """Recount these people from the ledger: after an identity is claimed, or a member's data erased."""
    people = [f"member-{m}" for m in members] + [f"identity-{i}" for i in identities]
    for person in people:
        span = conn.execute(select(ContributorSpan).where(ContributorSpan.person == person)).one_or_none()
        if span is not None:
            for active in conn.scalars(
                select(ContributorMonth.month).where(ContributorMonth.person == person)
            ):
                bump_cell(conn, span.first_month, active - span.first_month, -1)
    for model in (ContributorSpan, ContributorMonth, CyclePresence):
        conn.execute(delete(model).where(model.person.in_(people)))
    add_people(conn, calendar, ledger_contributions(conn, members=members, identities=identities))
