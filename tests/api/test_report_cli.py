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
from api.settings import Settings
from domain.retention import Contribution, report
from tests.domain.test_retention import BOT, SPOKE
from tests.factories import Db, shared_data


@pytest.fixture
def spoke(db: Db) -> list[Commit]:
    with gzip.open(shared_data(SPOKE), "rt") as handle:
        commits = [
            Commit(
                row["commit_sha"],
                row["author_name_hash"],
                f"{row['author_email_hash']}@example.invalid",
                datetime.fromisoformat(row["authored_at"].replace("Z", "+00:00")),
            )
            for row in csv.DictReader(handle)
            if row["author_email_hash"] != BOT
        ]
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
