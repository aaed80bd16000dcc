"""`perennial backup` on real SQLite files: what a backup holds, and every refusal saying what to fix.
The whole round trip with the dev server, SQLite and PostgreSQL is in tests/e2e/test_backup_restore.py."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from api.backup_cli import MANIFEST
from api.cli import app

KEY_A = "YmFja3VwLXRlc3RzLXBheWxvYWQta2V5LW51bWJlci1h"
KEY_B = "YmFja3VwLXRlc3RzLXBheWxvYWQta2V5LW51bWJlci1i"
OUTSIDE = {
    "name": "database",
    "kind": "sqlite",
    "source": "x",
    "taken_at": "2025-01-31T03:00:00Z",
    "size_bytes": 1,
    "sha256": "0" * 64,
}


def perennial(url: str, *args: str, **env: str) -> Result:
    return CliRunner().invoke(
        app, list(args), env={"DATABASE_URL": url, "PERENNIAL_PAYLOAD_KEY": KEY_A, **env}
    )


def rows(path: Path, table: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


@pytest.fixture
def live(tmp_path: Path, sqlite_template: Path) -> Path:
    path = tmp_path / "live" / "perennial.db"
    path.parent.mkdir()
    path.write_bytes(sqlite_template.read_bytes())
    return path


@pytest.fixture
def temporal_db(live: Path) -> Path:
    """A stand-in for the dev server's file: the backup copies any SQLite file the same way."""
    path = live.parent / "temporal.db"
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE executions (workflow_id TEXT PRIMARY KEY)")
        db.execute("INSERT INTO executions VALUES ('member-1'), ('member-2')")
    return path


@pytest.fixture
def backup(tmp_path: Path, live: Path, temporal_db: Path) -> Path:
    result = perennial(
        f"sqlite:///{live}", "backup", "create", str(tmp_path / "b"), "--temporal-db", str(temporal_db)
    )
    assert result.exit_code == 0, result.output
    return tmp_path / "b"


def manifest(backup: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((backup / MANIFEST).read_text())
    return loaded


def edit_manifest(backup: Path, **changes: object) -> None:
    (backup / MANIFEST).write_text(json.dumps({**manifest(backup), **changes}))


def test_a_backup_holds_temporal_first_then_the_database_each_with_its_size_and_sha256(
    backup: Path, live: Path
) -> None:
    written = manifest(backup)
    parts = written["parts"]
    assert isinstance(parts, list)
    assert [(p["name"], p["kind"], p["file"]) for p in parts] == [
        ("temporal", "temporal-dev", "temporal.db"),
        ("database", "sqlite", "perennial.db"),
    ]
    assert parts[0]["taken_at"] <= parts[1]["taken_at"]
    for part in parts:
        content = (backup / part["file"]).read_bytes()
        assert (part["size_bytes"], part["sha256"]) == (len(content), hashlib.sha256(content).hexdigest())
    assert written["alembic_revision"] == rows(live, "alembic_version")[0][0]
    assert rows(backup / "temporal.db", "executions") == [("member-1",), ("member-2",)]
    assert KEY_A not in (backup / MANIFEST).read_text()  # a fingerprint only
    assert backup.stat().st_mode & 0o077 == 0  # it holds personal data: for its owner only


def test_a_backup_taken_while_the_app_writes_holds_whole_transactions_only(tmp_path: Path) -> None:
    source = tmp_path / "busy.db"
    with closing(sqlite3.connect(source)) as db:
        db.execute("PRAGMA journal_mode=WAL")  # as the app runs it
        db.execute("CREATE TABLE pairs (n INTEGER)")
    stop = threading.Event()

    def write() -> None:
        with closing(sqlite3.connect(source, timeout=10)) as db:
            while not stop.is_set():
                with db:
                    db.execute("INSERT INTO pairs VALUES (1)")
                    db.execute("INSERT INTO pairs VALUES (2)")

    writer = threading.Thread(target=write)
    writer.start()
    try:
        counts = []
        for n in range(5):
            result = perennial(f"sqlite:///{source}", "backup", "create", str(tmp_path / f"b{n}"))
            assert result.exit_code == 0, result.output
            counts.append(len(rows(tmp_path / f"b{n}" / "perennial.db", "pairs")))
    finally:
        stop.set()
        writer.join()
    assert all(count % 2 == 0 for count in counts) and counts == sorted(counts) and counts[-1] > 0


def test_a_restore_refuses_to_overwrite_a_database_or_file_unless_forced(
    backup: Path, live: Path, temporal_db: Path
) -> None:
    with closing(sqlite3.connect(live)) as db, db:
        db.execute("DELETE FROM alembic_version")  # a change after the backup
    args = ("backup", "restore", str(backup), "--temporal-db", str(temporal_db))
    refused = perennial(f"sqlite:///{live}", *args)
    assert refused.exit_code == 1
    assert "already exists; stop Perennial and move it aside, or pass --force" in refused.output
    assert rows(live, "alembic_version") == []  # nothing was touched

    forced = perennial(f"sqlite:///{live}", *args, "--force")
    assert forced.exit_code == 0, forced.output
    assert rows(live, "alembic_version") == [(manifest(backup)["alembic_revision"],)]
    assert f"start the Temporal dev server with --db-filename {temporal_db}" in forced.output


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"PERENNIAL_PAYLOAD_KEY": KEY_B}, "PERENNIAL_PAYLOAD_KEY differ"),
        ({"PERENNIAL_TEMPORAL_TASK_QUEUE": "elsewhere"}, "set PERENNIAL_TEMPORAL_TASK_QUEUE='perennial'"),
        ({"PERENNIAL_WORKFLOW_ID_PREFIX": "other-"}, "set PERENNIAL_WORKFLOW_ID_PREFIX=''"),
    ],
)
def test_a_restore_refuses_settings_under_which_the_worker_would_not_find_the_journeys(
    backup: Path, tmp_path: Path, env: dict[str, str], says: str
) -> None:
    target = tmp_path / "new"
    result = perennial(
        f"sqlite:///{target / 'p.db'}",
        "backup",
        "restore",
        str(backup),
        "--temporal-db",
        str(target / "t.db"),
        **env,
    )
    assert result.exit_code == 1 and says in result.output
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "url", "says"),
    [
        ((), "sqlite:///{new}/p.db", "pass --temporal-db PATH"),
        (
            ("--temporal-db", "{new}/t.db"),
            "postgresql://nobody@127.0.0.1:1/none",
            "holds a sqlite database but",
        ),
    ],
)
def test_a_restore_says_what_to_pass_when_the_target_does_not_fit_the_backup(
    backup: Path, tmp_path: Path, args: tuple[str, ...], url: str, says: str
) -> None:
    new = tmp_path / "new"
    filled = [a.format(new=new) for a in args]
    result = perennial(url.format(new=new), "backup", "restore", str(backup), *filled)
    assert result.exit_code == 1 and says in result.output


def test_a_changed_or_missing_file_fails_verification_and_restore(backup: Path, tmp_path: Path) -> None:
    assert perennial("sqlite://", "backup", "verify", str(backup)).exit_code == 0
    with (backup / "perennial.db").open("r+b") as handle:
        handle.seek(200)
        handle.write(b"\xff")
    damaged = perennial("sqlite://", "backup", "verify", str(backup))
    assert damaged.exit_code == 1 and "does not match its manifest (size, sha256)" in damaged.output
    (backup / "temporal.db").unlink()
    restore = perennial(f"sqlite:///{tmp_path / 'new.db'}", "backup", "restore", str(backup))
    assert restore.exit_code == 1 and "temporal.db is missing: this backup is incomplete" in restore.output
    assert not (tmp_path / "new.db").exists()


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"format": 2}, "is in format 2: restore it with Perennial 0.1.0"),
        ({"parts": "none"}, "is not a valid backup manifest (parts: Input should be a valid array)"),
        ({"alembic_revision": "9999"}, "revision 9999, which this release does not know"),
        ({"parts": [{**OUTSIDE, "file": "../p.db"}]}, "parts.0.file: Input should be 'temporal.db'"),
    ],
)
def test_a_manifest_from_elsewhere_is_refused_with_the_reason(
    backup: Path, tmp_path: Path, change: dict[str, object], says: str
) -> None:
    edit_manifest(backup, **change)
    args = ("backup", "restore", str(backup), "--temporal-db", str(tmp_path / "t.db"))
    result = perennial(f"sqlite:///{tmp_path / 'p.db'}", *args)
    assert result.exit_code == 1 and says in result.output, result.output


def test_an_older_schema_is_restored_with_a_reminder_to_migrate(backup: Path, tmp_path: Path) -> None:
    edit_manifest(backup, alembic_revision="0001")
    args = ("backup", "restore", str(backup), "--temporal-db", str(tmp_path / "t.db"))
    result = perennial(f"sqlite:///{tmp_path / 'p.db'}", *args)
    assert result.exit_code == 0, result.output
    assert "the schema is at revision 0001" in result.output and "run `perennial migrate`" in result.output


def test_create_refuses_a_used_directory_and_leaves_nothing_behind_when_it_fails(
    tmp_path: Path, live: Path, backup: Path
) -> None:
    again = perennial(f"sqlite:///{live}", "backup", "create", str(backup))
    assert again.exit_code == 1 and "already exists and is not empty" in again.output
    missing = perennial(
        f"sqlite:///{live}",
        "backup",
        "create",
        str(tmp_path / "b2"),
        "--temporal-db",
        str(tmp_path / "no.db"),
    )
    assert missing.exit_code == 1 and "no.db does not exist" in missing.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b", "live"]


def test_a_postgres_backup_is_not_restored_over_a_database_that_has_tables(
    postgres_url: str, tmp_path: Path
) -> None:
    made = perennial(postgres_url, "backup", "create", str(tmp_path / "pg"))
    assert made.exit_code == 0, made.output
    assert "not included: Temporal state (no --temporal-db)" in made.output
    assert manifest(tmp_path / "pg")["parts"][0]["kind"] == "postgresql"  # type: ignore[index]
    refused = perennial(postgres_url, "backup", "restore", str(tmp_path / "pg"))
    assert refused.exit_code == 1
    assert "tables; restore into a new empty database (createdb NAME), or pass --force" in refused.output
