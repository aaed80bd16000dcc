"""`perennial report retention --format json` over a real project's history loaded into the ledger:
the same numbers as the retention functions on the raw file, in the documented shape."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import UTC, datetime, time

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.git_import import Commit, record_commits
from api.services import rollup_read
from api.settings import Settings
from domain.cycles import cycles
from domain.retention import Contribution, report, report_from
from models.rollup_build import Calendar, contents, ensure
from tests.domain.test_retention import BOT, SPOKE
from tests.factories import Db, shared_data


def spoke_commits() -> list[Commit]:
    with gzip.open(shared_data(SPOKE), "rt") as handle:
        return [
            Commit(
                row["commit_sha"],
                row["author_name_hash"],
                f"{row['author_email_hash']}@example.invalid",
                datetime.fromisoformat(row["authored_at"].replace("Z", "+00:00")),
            )
            for row in csv.DictReader(handle)
            if row["author_email_hash"] != BOT
        ]


@pytest.fixture
def spoke(db: Db) -> list[Commit]:
    commits = spoke_commits()
    with db.sessions.begin() as session:
        record_commits(session, commits, project="spoke")
    return commits


def run(settings: Settings, *args: str) -> dict[str, object]:
    result = CliRunner().invoke(
        app, ["report", "retention", *args, "--format", "json"], env={"DATABASE_URL": settings.database_url}
    )
    assert result.exit_code == 0, result.output
    parsed: dict[str, object] = json.loads(result.output)
    return parsed


def test_the_report_from_the_ledger_equals_the_metrics_on_the_file(
    spoke: list[Commit], settings: Settings
) -> None:
    as_of = datetime.combine(datetime(2023, 12, 31).date(), time.max, tzinfo=UTC)
    expected = report([Contribution(c.author_email, c.authored_at) for c in spoke], as_of)

    got = run(settings, "--project", "spoke", "--as-of", "2023-12-31")

    assert got == json.loads(json.dumps(expected))
    assert set(got) == {
        "as_of",
        "people",
        "cohorts",
        "ltc",
        "survival",
        "absence_factor",
        "core",
        "regular",
        "casual",
    }
    assert set(got["survival"]["1"]) == {"estimate", "low", "high"}  # type: ignore[index]
    assert run(settings, "--project", "another", "--as-of", "2023-12-31")["people"] == 0


def test_a_bad_date_says_what_to_write(settings: Settings) -> None:
    result = CliRunner().invoke(
        app,
        ["report", "retention", "--as-of", "31/12/2023", "--format", "json"],
        env={"DATABASE_URL": settings.database_url},
    )
    assert result.exit_code == 2 and "2024-09-30" in result.output


def test_rollups_kept_through_an_import_equal_the_metrics_on_the_file_and_a_rebuild(
    db: Db, settings: Settings
) -> None:
    calendar = Calendar.of(settings.policy.retention)  # the command rebuilds for the policy's calendar
    with db.sessions.begin() as session:
        ensure(session.connection(), calendar)  # built before the history arrives: the import keeps them
    commits = spoke_commits()
    with db.sessions.begin() as session:
        record_commits(session, commits, project="spoke")
    as_of = datetime(2025, 1, 1, tzinfo=UTC)
    raw = [Contribution(c.author_email, c.authored_at) for c in commits]

    with db.session() as session:
        kept = contents(session.connection())
        read = rollup_read.read(session, calendar)
    rebuilt = CliRunner().invoke(
        app, ["report", "rebuild-rollups"], env={"DATABASE_URL": settings.database_url}
    )
    with db.session() as session:
        after_rebuild = contents(session.connection())

    assert report_from(read.spans, read.cells, as_of) == report(raw, as_of)
    assert read.cycles == cycles(raw, calendar.elections, calendar.window_days)
    assert rebuilt.exit_code == 0 and "rebuilt" in rebuilt.output
    assert after_rebuild == kept
