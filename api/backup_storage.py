"""Copying and checking the stores a backup holds: SQLite files (the app's, the dev Temporal server's)
through SQLite's online backup API, and PostgreSQL through its own client tools."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import make_url

from domain.errors import ConfigError, Rejected


def copy_sqlite(source: Path, target: Path) -> None:
    if not source.is_file():
        raise Rejected(f"{source} does not exist; give the path of the SQLite file to copy.")
    try:
        reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        with closing(reader) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)  # in one step: a consistent snapshot even while the app or dev server writes
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, whatever the source uses
    except sqlite3.Error as exc:
        raise Rejected(f"cannot copy {source}: {exc}") from exc


def check_sqlite(path: Path) -> None:
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            result = [row[0] for row in db.execute("PRAGMA integrity_check")]
    except sqlite3.Error as exc:
        result = [str(exc)]
    if result != ["ok"]:
        raise Rejected(f"{path} fails SQLite's integrity check ({result[0]}); use another backup.")


def sqlite_revision(path: Path) -> str | None:
    with closing(sqlite3.connect(path)) as db:
        try:
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            return None  # never migrated
    return None if row is None else str(row[0])


def postgres_tables(url: str) -> list[str]:
    return psql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").split()


def postgres_revision(url: str) -> str | None:
    if "alembic_version" not in postgres_tables(url):
        return None  # never migrated
    return psql(url, "SELECT version_num FROM alembic_version").strip() or None


def psql(url: str, sql: str) -> str:
    return run(
        "psql", "--no-psqlrc", "--tuples-only", "--no-align", "-v", "ON_ERROR_STOP=1", "-c", sql, url=url
    )


def run(tool: str, *args: str, url: str | None = None) -> str:
    found = shutil.which(tool)
    if found is None:
        raise ConfigError(f"{tool} is missing: install the PostgreSQL client tools, as new as the server.")
    env, target = dict(os.environ), []
    if url is not None:
        parsed = make_url(url)
        if parsed.password is not None:
            env["PGPASSWORD"] = str(parsed.password)  # in the environment: never on a command line
        libpq = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
        target = ["--no-password", "--dbname", libpq]
    done = subprocess.run([found, *target, *args], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise Rejected(f"{tool} failed: {done.stderr.strip() or f'exit status {done.returncode}'}")
    return done.stdout


def database_kind(url: str) -> Literal["sqlite", "postgresql"]:
    backend = make_url(url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(f"DATABASE_URL uses {backend}; Perennial backs up sqlite and postgresql only.")
    return "sqlite" if backend == "sqlite" else "postgresql"


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ConfigError("DATABASE_URL names an in-memory SQLite database; there is nothing to back up.")
    return Path(database)


def redacted(url: str) -> str:
    return make_url(url).set(drivername=make_url(url).get_backend_name()).render_as_string(hide_password=True)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
