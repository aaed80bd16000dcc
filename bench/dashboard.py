"""The funder dashboard's data from 100,000 members and 5,000,000 ledger events, on SQLite and PostgreSQL
(target: under 1 s of server time). Run: `make bench-dashboard` (MEMBERS, EVENTS, DATABASES=sqlite,postgres).

For each database: a fresh, migrated database; the ledger loaded in bulk (heavy-tailed, synthetic, the
same for a seed); the rollups built once from it (what an upgrade costs); the dashboard's data read
through `dashboard.funder_view`, the code the routes call (after a first read, the median and worst of
5); then contributions and milestones appended one transaction at a time through the ORM (the flush
hook keeps the rollups), read again, and the kept rollups compared with a fresh rebuild."""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from api.services import dashboard
from api.settings import Settings
from models import Event, Member
from models.base import async_session_factory, make_async_engine, make_engine, session_factory
from models.migrate import upgrade
from models.rollup_build import ROLLUPS, Calendar, contents, rebuild

POSTGRES_ADMIN = os.environ.get("PERENNIAL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
EPOCH = datetime(2017, 1, 1, tzinfo=UTC)
SPAN_DAYS = 3_500  # the ledger covers 2017 to late 2026
MILESTONES = (
    ("member.signed_up", {}, 1.0),
    ("journey.step_completed", {"step": "code_of_conduct"}, 0.8),
    ("vouch.given", {"relation": "worked_with"}, 0.5),
    ("mentorship.active", {}, 0.08),
    ("access.active", {"permission": "triage"}, 0.05),
)


def ledger(members: int, events: int, seed: int) -> Iterator[tuple[datetime, str, str, int, str]]:
    """Milestones for every member, then contributions from 60% of them: a few people make most of the
    work (Pareto counts), each within their own active span."""
    rng = random.Random(seed)
    made = 0
    for member in range(1, members + 1):
        at = EPOCH + timedelta(days=rng.uniform(0, SPAN_DAYS))
        for kind, payload, share in MILESTONES:
            if rng.random() < share:
                yield at, kind, "member", member, json.dumps(payload)
                made += 1
            at += timedelta(days=rng.expovariate(1 / 20))
    contributors = rng.sample(range(1, members + 1), int(members * 0.6))
    weights = [rng.paretovariate(1.2) for _ in contributors]
    scale = (events - made) / sum(weights)
    counts = [max(1, round(w * scale)) for w in weights]
    counts[-1] += events - made - sum(counts)  # exactly `events` in all
    for member, count in zip(contributors, counts, strict=True):
        start = EPOCH + timedelta(days=rng.uniform(0, SPAN_DAYS))
        days = min(rng.lognormvariate(4.5, 1.5), (datetime(2026, 11, 1, tzinfo=UTC) - start).days)
        for _ in range(max(count, 0)):
            yield start + timedelta(days=rng.uniform(0, days)), "contribution.commit", "member", member, "{}"


def load(url: str, members: int, events: int, seed: int) -> float:
    began = time.perf_counter()
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(Member),
            [{"email": f"m{n}@example.org", "display_name": f"Member {n}"} for n in range(1, members + 1)],
        )
    rows = ledger(members, events, seed)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            columns = "at, kind, subject_type, subject_id, payload"
            with cursor.copy(f"COPY events ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
        else:  # SQLAlchemy's SQLite text form for timestamps, UTC
            batch: list[tuple[str, str, str, int, str]] = []
            for at, *rest in rows:
                batch.append((at.strftime("%Y-%m-%d %H:%M:%S.%f"), *rest))  # type: ignore[arg-type]
                if len(batch) == 50_000:
                    _sqlite_batch(cursor, batch)
            _sqlite_batch(cursor, batch)
        raw.commit()
    finally:
        raw.close()
        engine.dispose()
    return time.perf_counter() - began


def _sqlite_batch(cursor: Any, batch: list[tuple[str, str, str, int, str]]) -> None:
    cursor.executemany(
        "INSERT INTO events (at, kind, subject_type, subject_id, payload) VALUES (?, ?, ?, ?, ?)", batch
    )
    batch.clear()


async def read_view(url: str, settings: Settings, rounds: int) -> tuple[list[float], dict[str, Any]]:
    engine = make_async_engine(url)
    sessions = async_session_factory(engine)
    times, view = [], {}
    for _ in range(rounds):
        async with sessions() as session:
            began = time.perf_counter()
            view = await dashboard.funder_view(session, settings)
            json.dumps(view)
            times.append(time.perf_counter() - began)
    await engine.dispose()
    return times, view


def append(url: str, count: int, members: int, seed: int) -> float:
    """One transaction per event, as the web and the worker write them."""
    rng = random.Random(seed + 1)
    sessions = session_factory(make_engine(url))
    began = time.perf_counter()
    for n in range(count):
        kind, payload = ("contribution.review", {}) if n % 4 else ("access.active", {"permission": "write"})
        at = datetime(2026, 11, 1, tzinfo=UTC) - timedelta(days=rng.uniform(0, 3000))
        with sessions.begin() as session:
            session.add(
                Event(
                    at=at,
                    kind=kind,
                    subject_type="member",
                    subject_id=rng.randint(1, members),
                    payload=payload,
                )
            )
    return (time.perf_counter() - began) / count


def run(name: str, url: str, settings: Settings, members: int, events: int, seed: int) -> dict[str, Any]:
    upgrade(url)
    result: dict[str, Any] = {"database": name, "load_s": round(load(url, members, events, seed), 1)}
    calendar = Calendar(
        tuple(sorted(settings.policy.retention.elections)), settings.policy.retention.cycle_window_days
    )
    engine = make_engine(url)
    began = time.perf_counter()
    with engine.begin() as conn:
        rebuild(conn, calendar)
    result["build_rollups_s"] = round(time.perf_counter() - began, 1)
    with engine.connect() as conn:
        result["rollup_rows"] = {
            m.__tablename__: conn.scalar(sa.select(sa.func.count()).select_from(m)) for m in ROLLUPS
        }
    times, view = asyncio.run(read_view(url, settings, 6))
    result["first_read_s"] = round(times.pop(0), 3)  # includes importing lifelines, once per process
    result["dashboard_s"] = {"median": round(statistics.median(times), 3), "max": round(max(times), 3)}
    result["people"] = view["people"]
    result["append_ms_per_event"] = round(1000 * append(url, 1_000, members, seed), 2)
    times, view = asyncio.run(read_view(url, settings, 3))
    result["dashboard_after_appends_s"] = round(statistics.median(times), 3)

    with engine.connect() as conn:
        kept = contents(conn)
    with engine.begin() as conn:
        rebuild(conn, calendar)
        result["kept_equals_rebuild"] = kept == contents(conn)
    engine.dispose()
    return result


def main() -> None:
    members = int(os.environ.get("MEMBERS", 100_000))
    events = int(os.environ.get("EVENTS", 5_000_000))
    databases = os.environ.get("DATABASES", "sqlite,postgres").split(",")
    seed = 1
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in databases:
            if name == "sqlite":
                url = f"sqlite:///{tmp}/bench.db"
                results.append(run(name, url, _settings(url), members, events, seed))
            else:
                results.append(_on_postgres(members, events, seed))
            print(json.dumps(results[-1]), flush=True)
    out = Path("bench/results") / f"dashboard-{datetime.now(UTC).date().isoformat()}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"members": members, "events": events, "results": results}, indent=2))
    print(f"written to {out}")


def _on_postgres(members: int, events: int, seed: int) -> dict[str, Any]:
    name = f"perennial_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(
        POSTGRES_ADMIN.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        return run("postgres", url, _settings(url), members, events, seed)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _settings(url: str) -> Settings:
    return Settings(database_url=url, policy_path=Path("community.example.toml"))


if __name__ == "__main__":
    main()
