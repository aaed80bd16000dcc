"""Shared fixtures: real databases (SQLite and PostgreSQL), a real SMTP sink, real Temporal servers."""

from __future__ import annotations

import base64
import os
import shutil
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from temporalio.testing import WorkflowEnvironment

from api.outbox import Outbox, start_sink
from api.settings import Settings
from api.temporal import data_converter
from models.base import make_engine
from models.migrate import upgrade
from tests.factories import Db

REPO = Path(__file__).resolve().parents[1]
TEST_PAYLOAD_KEY = base64.b64encode(b"perennial-tests-payload-key-32b!").decode()
POSTGRES_ADMIN_URL = os.environ.get(
    "PERENNIAL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def binary(name: str) -> str:
    """A tool installed in this virtual environment (PATH may not include it under make)."""
    found = Path(sys.executable).parent / name
    path = str(found) if found.exists() else shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is not installed; run `make install`")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "perennial.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    name = f"perennial_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(
        POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def postgres_url(postgres_database: str) -> str:
    engine = make_engine(postgres_database)
    tables = ", ".join(f'"{t}"' for t in _app_tables(engine))
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return postgres_database


def _app_tables(engine: sa.Engine) -> list[str]:
    return [t for t in sa.inspect(engine).get_table_names() if t != "alembic_version"]


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on each database Perennial supports."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture(scope="session")
def smtp_sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Outbox, int]]:
    outbox = Outbox(tmp_path_factory.mktemp("outbox"))
    port = free_port()
    controller = start_sink(outbox, port=port)
    yield outbox, port
    controller.stop()


@pytest.fixture
def outbox(smtp_sink: tuple[Outbox, int]) -> Outbox:
    smtp_sink[0].clear()
    return smtp_sink[0]


def make_settings(db_url: str, smtp_port: int, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "database_url": db_url,
        "policy_path": REPO / "community.example.toml",
        "smtp_port": smtp_port,
        "temporal_task_queue": f"test-{uuid.uuid4()}",
        "workflow_id_prefix": f"{uuid.uuid4().hex[:8]}-",
        "secret_key": "test-secret-" + "x" * 32,
        "payload_key": TEST_PAYLOAD_KEY,
        "github_webhook_secret": "test-webhook-secret",
        # The suite signs many members up from one address; tests/api/test_security.py checks the limits.
        "public_write_limit": "100000/minute",
        "public_read_limit": "100000/minute",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(sqlite_url: str, smtp_sink: tuple[Outbox, int]) -> Settings:
    """SQLite here; folders whose tests must run on both databases override it with `each_database`."""
    return make_settings(sqlite_url, smtp_sink[1])


def each_database(db_url: str, smtp_sink: tuple[Outbox, int]) -> Settings:
    return make_settings(db_url, smtp_sink[1])


@pytest.fixture
def db(settings: Settings) -> Iterator[Db]:
    handle = Db(settings.database_url)
    yield handle
    handle.close()


@pytest.fixture
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """A fresh server per test (0.1 s): one test's parked journeys never hold another test's clock."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=data_converter(make_settings("sqlite://", 0)),
    )
    yield env
    await env.shutdown()
