"""Reading contributions and milestones from the ledger, and building the rollups from it.

A full rebuild runs when the rollups were never built (a fresh upgrade) or the election calendar they
were built for has changed; `perennial report rebuild-rollups` runs one by hand. Everything here works on a
Connection, so the flush hook in `models.rollup_upkeep` can use it inside the writer's transaction."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, case, delete, func, insert, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite

from domain.contributions import LEDGER_PREFIX
from domain.cycles import RetentionPolicy, Window, cycle_windows, elections_counting
from domain.milestones import KINDS, RUNGS, rungs_reached
from domain.retention import Contribution, month_index, person_key
from models.identity import UnclaimedIdentity
from models.ledger import Event
from models.rollups import (
    CohortCell,
    ContributorMonth,
    ContributorSpan,
    CyclePresence,
    MemberFunnel,
    RollupState,
    funnel_column,
)

FUNNEL_COLUMNS = [funnel_column(rung) for rung in RUNGS]
ROLLUPS: tuple[Any, ...] = (ContributorSpan, ContributorMonth, CohortCell, CyclePresence, MemberFunnel)
BATCH = 10_000


@dataclass(frozen=True)
class Calendar:
    """The election days and window (from the policy) that cycle presence is counted for."""

    elections: tuple[date, ...]
    window_days: int

    @classmethod
    def of(cls, policy: RetentionPolicy) -> Calendar:
        return cls(tuple(sorted(policy.elections)), policy.cycle_window_days)

    @property
    def windows(self) -> list[Window]:
        return cycle_windows(self.elections, self.window_days)

    def as_json(self) -> dict[str, Any]:
        return {"elections": [d.isoformat() for d in self.elections], "window_days": self.window_days}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Calendar:
        return cls(tuple(date.fromisoformat(d) for d in value["elections"]), int(value["window_days"]))


def upsert(conn: Connection, table: Any) -> Any:
    """INSERT that can say ON CONFLICT, on either database."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def moment(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def claimants(conn: Connection, identity_ids: Collection[int] | None = None) -> dict[int, int]:
    """Identity id to the member who claimed it (only the given identities, if any are given)."""
    query = select(UnclaimedIdentity.id, UnclaimedIdentity.claimed_by_id).where(
        UnclaimedIdentity.claimed_by_id.is_not(None)
    )
    if identity_ids is not None:
        query = query.where(UnclaimedIdentity.id.in_(identity_ids))
    return {identity: member for identity, member in conn.execute(query) if member is not None}


def ledger_contributions(
    conn: Connection,
    project: str | None = None,
    members: Collection[int] | None = None,
    identities: Collection[int] = (),
) -> Iterator[Contribution]:
    """Every contribution in the ledger, counted for its person; with `members`, only those of these
    members (with their claimed identities) and of these `identities`."""
    claimed = claimants(conn)
    query = select(Event.subject_type, Event.subject_id, Event.at).where(
        Event.kind.startswith(LEDGER_PREFIX), Event.subject_type.in_(("member", "identity"))
    )
    if project is not None:
        query = query.where(Event.payload["project"].as_string() == project)
    if members is not None:
        theirs = {i for i, m in claimed.items() if m in members} | set(identities)
        query = query.where(
            or_(
                (Event.subject_type == "member") & Event.subject_id.in_(members),
                (Event.subject_type == "identity") & Event.subject_id.in_(theirs),
            )
        )
    for subject_type, subject_id, at in conn.execute(query.execution_options(yield_per=BATCH)):
        yield Contribution(person_key(subject_type, subject_id, claimed), at)


def add_people(conn: Connection, calendar: Calendar, contributions: Iterable[Contribution]) -> None:
    """Add the rollup rows of people who have none yet (a rebuild, or people a refresh removed)."""
    times: dict[str, list[datetime]] = defaultdict(list)
    for c in contributions:
        times[c.person].append(c.at)
    spans: list[dict[str, Any]] = []
    months: list[dict[str, Any]] = []
    presence: list[dict[str, Any]] = []
    cells: Counter[tuple[int, int]] = Counter()
    windows = calendar.windows
    for person, seen in times.items():
        first = min(seen)
        cohort = month_index(first)
        spans.append(
            {
                "person": person,
                "first_at": epoch(first),
                "last_at": epoch(max(seen)),
                "first_month": cohort,
                "contributions": len(seen),
            }
        )
        active = {month_index(t) for t in seen}
        months.extend({"person": person, "month": m} for m in active)
        cells.update((cohort, m - cohort) for m in active)
        elections = {day for t in seen for day in elections_counting(t, windows)}
        presence.extend({"election": day, "person": person} for day in elections)
    _insert_batches(conn, ContributorSpan, spans)
    _insert_batches(conn, ContributorMonth, months)
    _insert_batches(conn, CyclePresence, presence)
    for (cohort, k), people in cells.items():
        bump_cell(conn, cohort, k, people)


def bump_cell(conn: Connection, cohort: int, k: int, people: int) -> None:
    statement = upsert(conn, CohortCell).values(cohort=cohort, k=k, people=people)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["cohort", "k"], set_={"people": CohortCell.people + statement.excluded.people}
        )
    )
    if people < 0:
        conn.execute(
            delete(CohortCell).where(CohortCell.cohort == cohort, CohortCell.k == k, CohortCell.people <= 0)
        )


def reach(conn: Connection, member_id: int, rung: str, at: datetime) -> None:
    """Record a milestone, keeping the earliest time it was reached."""
    column = getattr(MemberFunnel, funnel_column(rung))
    statement = upsert(conn, MemberFunnel).values(member_id=member_id, **{column.key: epoch(at)})
    offered = getattr(statement.excluded, column.key)
    earliest = case(((column.is_(None)) | (offered < column), offered), else_=column)
    conn.execute(statement.on_conflict_do_update(index_elements=["member_id"], set_={column.key: earliest}))


def rebuild(conn: Connection, calendar: Calendar) -> None:
    """Recompute every rollup from the ledger, in the caller's transaction."""
    if conn.dialect.name == "postgresql":  # writers wait for the rebuild instead of being overwritten by it
        names = ", ".join(t.__tablename__ for t in ROLLUPS)
        conn.execute(text(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE"))
    for model in ROLLUPS:
        conn.execute(delete(model))
    add_people(conn, calendar, ledger_contributions(conn))
    first_work = select(Event.subject_id, func.min(Event.at)).where(
        Event.subject_type == "member", Event.kind.startswith(LEDGER_PREFIX)
    )
    first = {(m, "first contribution"): at for m, at in conn.execute(first_work.group_by(Event.subject_id))}
    query = select(Event.subject_id, Event.kind, Event.at, Event.payload).where(
        Event.subject_type == "member", Event.kind.in_(KINDS)
    )
    for member_id, kind, at, payload in conn.execute(query.execution_options(yield_per=BATCH)):
        for rung in rungs_reached(kind, payload):
            key = (member_id, rung)
            first[key] = min(first.get(key, at), at)
    rows: dict[int, dict[str, Any]] = {}
    for (member_id, rung), at in first.items():
        row = rows.setdefault(member_id, dict.fromkeys(FUNNEL_COLUMNS) | {"member_id": member_id})
        row[funnel_column(rung)] = epoch(at)
    _insert_batches(conn, MemberFunnel, list(rows.values()))
    write_calendar(conn, calendar)


def contents(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every rollup's rows, sorted: to compare rollups kept as events arrived with a rebuild."""
    return {
        model.__tablename__: sorted(tuple(row) for row in conn.execute(select(*model.__table__.columns)))
        for model in ROLLUPS
    }


def read_calendar(conn: Connection) -> Calendar | None:
    value = conn.scalar(select(RollupState.value).where(RollupState.name == "calendar"))
    return None if value is None else Calendar.from_json(value)


def write_calendar(conn: Connection, calendar: Calendar) -> None:
    statement = upsert(conn, RollupState).values(name="calendar", value=calendar.as_json())
    conn.execute(statement.on_conflict_do_update(index_elements=["name"], set_={"value": calendar.as_json()}))


def ensure(conn: Connection, calendar: Calendar) -> bool:
    """Build the rollups if they were never built or were built for another calendar; True if it did."""
    if read_calendar(conn) == calendar:
        return False
    rebuild(conn, calendar)
    return True


def _insert_batches(conn: Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        conn.execute(insert(model), rows[start : start + BATCH])
