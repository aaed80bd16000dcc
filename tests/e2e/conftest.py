"""The whole system for end-to-end tests: the real Temporal dev server, `perennial web` and
`perennial worker` as separate processes, the SMTP sink, and a migrated SQLite database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, async_playwright
from temporalio.testing import WorkflowEnvironment

from api.outbox import Outbox
from api.settings import Settings
from api.temporal import data_converter
from models.migrate import upgrade
from tests.conftest import REPO, binary, free_port, make_settings
from tests.factories import Db


@dataclass
class System:
    env: WorkflowEnvironment
    settings: Settings
    process_env: dict[str, str]
    outbox: Outbox
    db: Db
    web_url: str
    log_dir: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, *args: str) -> None:
        command = [sys.executable, "-m", "api.cli", name, *args]
        log = (self.log_dir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            command, env=self.process_env, cwd=REPO, stdout=log, stderr=log
        )

    def logs(self) -> str:
        return "".join(path.read_text(errors="replace") for path in sorted(self.log_dir.glob("*.log")))

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for name in list(self.processes):
            process = self.processes.pop(name)
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_until_serving(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout}s")


@pytest.fixture(scope="session")
async def dev_server() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        data_converter=data_converter(make_settings("sqlite://", 0)),
        dev_server_log_level="error",
    )
    yield env
    await env.shutdown()


@pytest.fixture
def system(
    dev_server: WorkflowEnvironment, tmp_path: Path, smtp_sink: tuple[Outbox, int], outbox: Outbox
) -> Iterator[System]:
    database_url = f"sqlite:///{tmp_path / 'e2e.db'}"
    upgrade(database_url)
    port = free_port()
    settings = make_settings(database_url, smtp_sink[1], base_url=f"http://127.0.0.1:{port}")
    target = dev_server.client.service_client.config.target_host
    process_env = {
        **os.environ,
        "PERENNIAL_ENVIRONMENT": "test",
        "DATABASE_URL": database_url,
        "TEMPORAL_ADDRESS": target,
        "PERENNIAL_TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        "PERENNIAL_WORKFLOW_ID_PREFIX": settings.workflow_id_prefix,
        "PERENNIAL_SMTP_PORT": str(smtp_sink[1]),
        "PERENNIAL_SECRET_KEY": settings.secret_key,
        "PERENNIAL_PAYLOAD_KEY": settings.payload_key,
        "PERENNIAL_GITHUB_WEBHOOK_SECRET": settings.github_webhook_secret,
        "PERENNIAL_BASE_URL": settings.base_url,
        "PERENNIAL_POLICY_PATH": str(REPO / "community.example.toml"),
        "PERENNIAL_PUBLIC_WRITE_LIMIT": settings.public_write_limit,
        "PERENNIAL_PUBLIC_READ_LIMIT": settings.public_read_limit,
    }
    db = Db(database_url)
    running = System(dev_server, settings, process_env, outbox, db, settings.base_url, tmp_path)
    running.start("worker")
    running.start("web", "--port", str(port))
    wait_until_serving(f"{settings.base_url}/healthz")
    yield running
    running.stop_all()
    db.close()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        await chromium.close()
