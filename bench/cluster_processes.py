"""A local Perennial cluster for the fault benchmarks, every part its own process as in production:
a Temporal dev server on a database file (so kill -9 and a restart keep every workflow), any number of
`perennial web` and `perennial worker` processes, and the SMTP sink. Each can be killed and restarted."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from api.devserver import temporal_binary, wait_for_port

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
POLICY = REPO / "bench" / "chaos_policy.toml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def perennial_env(
    database_url: str, temporal_address: str, smtp_port: int, base_url: str, task_queue: str, outbox: Path
) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "TEMPORAL_ADDRESS": temporal_address,
        "PERENNIAL_SMTP_PORT": str(smtp_port),
        "PERENNIAL_BASE_URL": base_url,
        "PERENNIAL_POLICY_PATH": str(POLICY),
        # One client address signs everyone up and in: the per-address public limits would refuse it.
        "PERENNIAL_PUBLIC_WRITE_LIMIT": "1000000/minute",
        "PERENNIAL_PUBLIC_READ_LIMIT": "1000000/minute",
        "PERENNIAL_TEMPORAL_TASK_QUEUE": task_queue,
        "PERENNIAL_OUTBOX_DIR": str(outbox),
        "PERENNIAL_OUTBOX_PORT": str(free_port()),
    }


def new_task_queue(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@dataclass
class Cluster:
    workdir: Path
    env: dict[str, str]
    temporal_port: int
    temporal_db: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    web_ports: dict[str, int] = field(default_factory=dict)
    incarnations: dict[int, str] = field(default_factory=dict)  # pid -> "worker-a#2": the second start

    @property
    def temporal_address(self) -> str:
        return f"127.0.0.1:{self.temporal_port}"

    def start_temporal(self) -> None:
        command = [
            temporal_binary(),
            "server",
            "start-dev",
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.temporal_port),
            "--headless",
            "--db-filename",
            str(self.temporal_db),
            "--log-level",
            "warn",
        ]
        self._spawn("temporal", command)
        wait_for_port("127.0.0.1", self.temporal_port)

    def start_web(self, name: str, port: int | None = None) -> str:
        port = port or self.web_ports.get(name) or free_port()
        self.web_ports[name] = port
        self._spawn(name, [sys.executable, "-m", "api.cli", "web", "--port", str(port)])
        return f"http://127.0.0.1:{port}"

    def start_outbox(self) -> None:
        """The development SMTP sink: every message lands in the Maildir at PERENNIAL_OUTBOX_DIR."""
        self._spawn("outbox", [sys.executable, "-m", "api.cli", "outbox"])
        wait_for_port("127.0.0.1", int(self.env["PERENNIAL_SMTP_PORT"]))

    def start_worker(self, name: str) -> None:
        self._spawn(name, [sys.executable, "-m", "api.cli", "worker"])

    def kill(self, name: str) -> float:
        """kill -9, as a crash or an OOM killer would; returns when it happened (monotonic clock)."""
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        return time.monotonic()

    def running(self, name: str) -> bool:
        process = self.processes.get(name)
        return process is not None and process.poll() is None

    def pid(self, name: str) -> int:
        return self.processes[name].pid

    def cpu_seconds(self) -> dict[str, float]:
        seconds = {}
        for name, process in self.processes.items():
            try:
                times = psutil.Process(process.pid).cpu_times()
            except psutil.NoSuchProcess:
                continue
            seconds[name] = round(times.user + times.system, 1)
        own = psutil.Process().cpu_times()
        seconds["bench"] = round(own.user + own.system, 1)
        return seconds

    def stop_all(self) -> None:
        for name in [n for n in self.processes if n != "temporal"] + ["temporal"]:
            process = self.processes.pop(name, None)
            if process is None:
                continue
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)

    def log_tail(self, name: str, lines: int = 20) -> str:
        path = self.workdir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def _spawn(self, name: str, command: list[str]) -> None:
        log = (self.workdir / f"{name}.log").open("ab")
        log.write(f"--- start {time.strftime('%H:%M:%S')}\n".encode())
        log.flush()
        process = subprocess.Popen(
            command, cwd=REPO, env=self.env, stdout=log, stderr=log, start_new_session=True
        )
        self.processes[name] = process
        starts = sum(1 for label in self.incarnations.values() if label.startswith(f"{name}#"))
        self.incarnations[process.pid] = f"{name}#{starts + 1}"

    def label(self, identity: str) -> str:
        """A worker's Temporal identity (`pid@host`) as the process it was, e.g. `worker#2`."""
        pid = identity.split("@", 1)[0]
        return self.incarnations.get(int(pid), identity) if pid.isdigit() else identity


async def wait_until_serving(url: str, within: float = 120.0) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not answer 200 within {within:.0f}s")
