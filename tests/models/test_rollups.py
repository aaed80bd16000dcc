"""The rollups the dashboards read: kept current as events arrive (in any order, from any writer), equal
to a rebuild from the ledger, and giving the same figures as the metrics computed on raw events."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from api.services import identities, rollup_read
from domain import cycles
from domain.milestones import RUNGS, rungs_reached
from domain.retention import month_index, report, report_from
from models import Event, Member, MemberFunnel
from models.rollup_build import FUNNEL_COLUMNS, Calendar, contents, ensure, ledger_contributions, rebuild
from tests.factories import Db

CALENDAR = Calendar((date(2022, 11, 8), date(2024, 11, 5)), 183)
START = datetime(2022, 1, 1, tzinfo=UTC)
AS_OF = datetime(2025, 6, 1, tzinfo=UTC)


def snapshot(db: Db) -> dict[str, list[tuple[Any, ...]]]:
    with db.session() as s:
        return contents(s.connection())


def add(db: Db, *events: Event) -> None:
    with db.sessions.begin() as s:
        s.add_all(events)


def contribution(subject_type: str, subject_id: int, at: datetime) -> Event:
    return Event(
        at=at, kind="contribution.commit", subject_type=subject_type, subject_id=subject_id, payload={}
    )


def milestone_events(rng: random.Random, member_id: int) -> list[Event]:
    signed_up = START + timedelta(days=rng.randrange(600))
    steps = [
        ("member.signed_up", {}),
        ("journey.step_completed", {"step": "code_of_conduct"}),
        ("journey.step_completed", {"step": "introduce_yourself"}),
        ("vouch.given", {"relation": "worked_with"}),
        ("mentorship.active", {}),
        ("access.active", {"permission": rng.choice(["read", "triage", "write"])}),
    ]
    taken = steps[: rng.randrange(1, len(steps) + 1)]
    return [
        Event(
            at=signed_up + timedelta(days=3 * n),
            kind=kind,
            subject_type="member",
            subject_id=member_id,
            payload=p,
        )
        for n, (kind, p) in enumerate(taken)
    ]


@pytest.fixture
def community(db_url: str) -> tuple[Db, list[int], list[int]]:
    db = Db(db_url)
    members = [db.member(f"m{n}@example.org").id for n in range(12)]
    with db.sessions.begin() as s:
        found = [
            identities.get_or_create(s, identities.GIT_EMAIL, f"dev{n}@example.net").id for n in range(4)
        ]
    return db, members, found


def test_rollups_kept_as_events_arrive_equal_a_rebuild_and_the_raw_metrics(
    community: tuple[Db, list[int], list[int]],
) -> None:
    db, members, found = community
    rng = random.Random(7)
    with db.sessions.begin() as s:
        assert ensure(s.connection(), CALENDAR)  # built once, on an empty ledger
        assert not ensure(s.connection(), CALENDAR)
    for _ in range(30):  # batches of work, often earlier than work already seen (moving people's cohorts)
        batch = []
        for _ in range(rng.randrange(1, 8)):
            subject = rng.choice([("member", m) for m in members] + [("identity", i) for i in found])
            batch.append(contribution(*subject, START + timedelta(days=rng.randrange(1200))))
        add(db, *batch)
    for member_id in members:
        add(db, *milestone_events(rng, member_id))
    with db.sessions.begin() as s:  # a member claims an identity: its work becomes theirs
        identities.claim(s, s.get(Member, members[0]), identities.GIT_EMAIL, "dev0@example.net")
    add(db, contribution("identity", found[0], START + timedelta(days=5)))

    kept = snapshot(db)
    with db.sessions.begin() as s:
        rebuild(s.connection(), CALENDAR)
    assert snapshot(db) == kept
    assert any(person == f"member-{members[0]}" for person, *_ in kept["rollup_spans"])
    assert not any(person == f"identity-{found[0]}" for person, *_ in kept["rollup_spans"])

    with db.session() as s:
        inputs = rollup_read.read(s, CALENDAR)
        raw = list(ledger_contributions(s.connection()))
        ledger = list(s.scalars(select(Event)))
    assert report_from(inputs.spans, inputs.cells, AS_OF) == report(raw, AS_OF)
    assert inputs.cycles == cycles.cycles(raw, CALENDAR.elections, CALENDAR.window_days)
    reached: dict[str, dict[str, datetime]] = defaultdict(dict)
    for e in sorted(ledger, key=lambda e: e.at):
        if e.subject_type == "member":
            for rung in rungs_reached(e.kind, e.payload):
                reached[f"member-{e.subject_id}"].setdefault(rung, e.at)
    assert inputs.funnel == cycles.funnel(reached, RUNGS)
    assert inputs.mentored == {p for p, rungs in reached.items() if "mentored" in rungs}
    assert inputs.funnel[0].people == len(members)
    active: dict[int, set[str]] = defaultdict(set)
    for c in raw:
        active[month_index(c.at)].add(c.person)
    assert inputs.monthly_active == sorted((month, len(people)) for month, people in active.items())


def test_a_ledger_from_before_the_rollups_is_built_on_first_read_and_again_for_a_new_calendar(
    community: tuple[Db, list[int], list[int]],
) -> None:
    db, members, _ = community
    add(db, *(contribution("member", m, datetime(2024, 9, 1, tzinfo=UTC)) for m in members[:5]))
    add(db, contribution("member", members[0], datetime(2022, 10, 1, tzinfo=UTC)))
    with db.sessions.begin() as s:
        first = rollup_read.read(s, Calendar((date(2024, 11, 5),), 183))
    assert len(first.spans) == 5 and [c.active for c in first.cycles] == [5]

    with db.sessions.begin() as s:
        again = rollup_read.read(s, CALENDAR)
    assert [(c.active, c.returned_next) for c in again.cycles] == [(1, 1), (5, None)]


def test_every_rung_of_the_funnel_has_its_column() -> None:
    assert set(FUNNEL_COLUMNS) == {c.key for c in MemberFunnel.__table__.columns} - {"member_id"}
