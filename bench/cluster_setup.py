"""The database and the community a fault benchmark runs against: a SQLite file or a scratch
PostgreSQL database made for the run and dropped after it, migrated, with one project to pick."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import select

from api.admin import create_project, ensure_community
from api.settings import Settings
from bench.cluster_processes import POLICY
from models import Member, Project
from models.base import make_engine, session_factory
from models.migrate import upgrade

POSTGRES_ADMIN = os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
    "PERENNIAL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PROJECT = "Polling Place Finder"


@contextmanager
def scratch_database(kind: str, workdir: Path, prefix: str) -> Iterator[str]:
    """A fresh database for one run: `sqlite` (a file in workdir) or `postgres` (created, then dropped)."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'perennial.db'}"
        return
    if kind != "postgres":
        raise SystemExit(f"database {kind!r}: use sqlite or postgres")
    name = f"perennial_{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(
        POSTGRES_ADMIN.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def bench_settings(database_url: str, temporal_address: str, task_queue: str) -> Settings:
    """What the bench process itself needs to read the database and talk to Temporal like the web does."""
    return Settings(
        _env_file=None,
        DATABASE_URL=database_url,
        TEMPORAL_ADDRESS=temporal_address,
        policy_path=POLICY,
        temporal_task_queue=task_queue,
    )


def prepare(settings: Settings) -> int:
    """Migrate, record the community, and add the project members pick; returns the project's id."""
    upgrade(settings.database_url)
    ensure_community(settings)
    create_project(settings, PROJECT, ["perennial-demo/polling-places"], ["python"])
    with session_factory(make_engine(settings.database_url))() as session:
        return int(session.scalar(select(Project.id).where(Project.name == PROJECT)) or 0)


def member_lookup(database_url: str) -> Callable[[str], int | None]:
    sessions = session_factory(make_engine(database_url))

    def lookup(email: str) -> int | None:
        with sessions() as session:
            found: int | None = session.scalar(select(Member.id).where(Member.email == email))
            return found

    return lookup
