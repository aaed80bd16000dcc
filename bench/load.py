"""`make bench-load`: the member-status endpoint (`GET /api/me/journey`) and the journey page
(`GET /journey`) under 100 closed-loop clients from a second process on loopback, against a bare
FastAPI endpoint served the same way, in the same run.

Everything runs as in production, each in its own process: the Temporal dev server, `perennial
migrate`, `perennial worker`, `perennial web --workers N`, the bare app under the same uvicorn
settings, and the load generator (`bench/load_client.py`). Members sign up over HTTP and sign in with
their welcome email's link, so every request carries a real session. Targets: at least half the bare
throughput and p99 under 100 ms; a missed target is reported, and only errors fail the run.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
from temporalio.testing import WorkflowEnvironment

from api.outbox import Outbox, start_sink
from bench import journey as processes
from bench.cluster_processes import wait_until_serving
from bench.cluster_setup import scratch_database
from bench.load_report import summarize, table
from bench.load_seed import seed

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"


@dataclass(frozen=True)
class Target:
    name: str
    server: str  # "web" or "bare": whose CPU to watch
    path: str
    signed_in: bool
    expect: str | None
    judged: bool = True  # held to the targets; the others explain where the time goes


TARGETS = (
    Target("bare FastAPI", "bare", "/status", False, None),
    Target("member status", "web", "/api/me/journey", True, '"member_id"'),
    Target("journey page", "web", "/journey", True, "Your journey,"),
    # The member's record and timeline through the async ORM, the way every other read goes: what the
    # journey's fast path (api/journey_reads.py) saves.
    Target("member record", "web", "/api/members/{member_id}", True, '"timeline"', judged=False),
)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default=None)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn processes, for both servers")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--warm-up", type=float, default=5.0)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--members", type=int, default=300, help="signed up; the first CLIENTS sign in")
    parser.add_argument(
        "--client", choices=("streams", "httpx"), default="streams", help="load generator engine"
    )
    parser.add_argument("--profile", type=Path, help="py-spy the web process in round 1 into this folder")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop the servers on a kill, as on Ctrl-C
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    # BENCH_DATABASE_URL names the PostgreSQL server to make the scratch database on.
    database = args.database or ("postgres" if os.environ.get("BENCH_DATABASE_URL") else "sqlite")
    runs = [
        _run_with_retries(kind, args)
        for kind in (("sqlite", "postgres") if database == "both" else (database,))
    ]
    result = {"started_at": datetime.now(UTC).isoformat(), "settings": _settings(args), "runs": runs}
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"load-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2))
    print(table(runs, args.clients))
    print(f"saved {path.relative_to(REPO)}")
    errors = sum(t["errors"] for run in runs for t in run["targets"].values())
    return 1 if errors else 0


class StartupFailed(RuntimeError):
    pass


def _run_with_retries(database: str, args: argparse.Namespace, attempts: int = 3) -> dict[str, Any]:
    # On a box shared with other Temporal dev servers, a fresh one now and then refuses connections
    # from the other processes; a new one (on a new port) starts cleanly.
    for attempt in range(1, attempts + 1):
        try:
            return asyncio.run(_run(database, args))
        except StartupFailed as exc:
            print(f"{database}: start {attempt} of {attempts} failed: {exc}", flush=True)
    raise StartupFailed(f"{database}: the system did not start in {attempts} attempts")


async def _run(database: str, args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="perennial-load-"))
    with scratch_database(database, workdir, "load") as database_url:
        smtp_port, web_port, bare_port = (processes._free_port() for _ in range(3))
        outbox = Outbox(workdir / "outbox")
        sink = start_sink(outbox, port=smtp_port)
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=processes._binary("temporal"), dev_server_log_level="error"
        )
        address = env.client.service_client.config.target_host
        child_env = processes._perennial_env(database_url, address, smtp_port, web_port)
        started: dict[str, subprocess.Popen[bytes]] = {}
        try:
            print(f"{database}: processes log to {workdir}", flush=True)
            migrate = [sys.executable, "-m", "api.cli", "migrate"]
            await asyncio.to_thread(_run_logged, workdir / "migrate.log", migrate, child_env)
            for name, command in _commands(web_port, bare_port, args.workers).items():
                started[name] = _spawn(workdir / f"{name}.log", command, child_env)
            urls = {"web": f"http://127.0.0.1:{web_port}", "bare": f"http://127.0.0.1:{bare_port}"}
            await _wait_for(f"{urls['web']}/healthz", workdir)
            await _wait_for(f"{urls['bare']}/status", workdir)
            members = await seed(urls["web"], outbox, args.members, args.clients)
            watched = {name: process.pid for name, process in started.items()}
            watched["temporal"] = processes._server_pid(env)
            rounds = await _rounds(args, database, urls, members, watched)
            return {
                "database": database,
                **summarize(rounds, [t.name for t in TARGETS], {t.name for t in TARGETS if t.judged}),
                "rounds": rounds,
            }
        finally:
            for process in started.values():
                process.terminate()
            for process in started.values():
                process.wait(15)
            await env.shutdown()
            sink.stop()


async def _wait_for(url: str, workdir: Path, seconds: float = 120.0) -> None:
    # Three servers importing at once on a busy two-core box can take a minute to listen.
    try:
        await wait_until_serving(url, seconds)
    except RuntimeError as exc:
        raise StartupFailed(f"{exc}; see the logs in {workdir}") from exc


def _commands(web_port: int, bare_port: int, workers: int) -> dict[str, list[str]]:
    python = [sys.executable, "-m"]
    return {
        "web": [*python, "api.cli", "web", "--port", str(web_port), "--workers", str(workers)],
        "worker": [*python, "api.cli", "worker"],
        "bare": [*python, "bench.load_bare", "--port", str(bare_port), "--workers", str(workers)],
    }


async def _rounds(
    args: argparse.Namespace,
    database: str,
    urls: dict[str, str],
    members: list[dict[str, Any]],
    watched: dict[str, int],
) -> list[dict[str, Any]]:
    """Every target once per round, each round starting one target later, so no target always runs
    right after another's load."""
    rounds: list[dict[str, Any]] = []
    for number in range(args.rounds):
        for target in TARGETS[number % len(TARGETS) :] + TARGETS[: number % len(TARGETS)]:
            spec = {
                "url": urls[target.server] + target.path,
                "clients": args.clients,
                "warm_up": args.warm_up,
                "duration": args.duration,
                "members": members if target.signed_in else [],
                "expect": target.expect,
                "engine": args.client,
            }
            profile = args.profile if number == 0 and target.server == "web" else None
            measured = await _measure(spec, watched, profile, target.name, database)
            rounds.append({"round": number + 1, "target": target.name, **measured})
            print(f"{database} round {number + 1} {target.name}: {_brief(measured)}", flush=True)
    return rounds


async def _measure(
    spec: dict[str, Any], watched: dict[str, int], profile: Path | None, name: str, database: str
) -> dict[str, Any]:
    client = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.load_client", cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert client.stdin is not None
    assert client.stdout is not None
    client.stdin.write(json.dumps(spec).encode())
    client.stdin.close()
    await _expect(client.stdout, b"window-start", name)
    profiler = (
        await _profile(watched["web"], spec["duration"], profile / f"{database}-{name}.txt")
        if profile
        else None
    )
    cpu_before, started = _cpu_seconds(watched), time.perf_counter()
    await _expect(client.stdout, b"window-end", name)
    elapsed = time.perf_counter() - started
    cores = {k: (v - cpu_before[k]) / elapsed for k, v in _cpu_seconds(watched).items()}
    measured: dict[str, Any] = json.loads(await client.stdout.readline())
    if await client.wait() != 0:
        raise RuntimeError(f"the load generator failed for {name} (exit {client.returncode})")
    if profiler is not None:
        await profiler.wait()
    rate = measured["requests_per_second"] or float("nan")
    return {
        **measured,
        "server_cores_busy": {k: round(v, 2) for k, v in cores.items()},
        # Robust to a busy box: CPU spent per request does not depend on how much CPU we were given.
        "cpu_ms_per_request": {k: round(v * 1000 / rate, 2) for k, v in cores.items() if v > 0.02},
    }


async def _expect(stream: asyncio.StreamReader, line: bytes, name: str) -> None:
    got = (await stream.readline()).strip()
    if got != line:
        raise RuntimeError(f"the load generator for {name} said {got!r}, not {line!r}")


async def _profile(pid: int, seconds: float, output: Path) -> asyncio.subprocess.Process:
    """py-spy on the web process (and its uvicorn workers) for the measured window."""
    py_spy = str(Path(sys.executable).parent / "py-spy")
    command = ["record", "-p", str(pid), "-o", str(output).replace(" ", "-"), "-f", "raw", "-r", "100"]
    return await asyncio.create_subprocess_exec(
        py_spy, *command, "-d", str(int(seconds)), "--subprocesses", stdout=subprocess.DEVNULL
    )


def _spawn(log: Path, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)


def _run_logged(log: Path, command: list[str], env: dict[str, str]) -> None:
    with log.open("ab") as out:
        subprocess.run(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)


def _cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds of each process and its children (uvicorn's worker processes), so far."""
    seconds = {}
    for name, pid in pids.items():
        parent = psutil.Process(pid)
        family = [parent, *parent.children(recursive=True)]
        seconds[name] = sum(p.cpu_times().user + p.cpu_times().system for p in family)
    return seconds


def _brief(measured: dict[str, Any]) -> str:
    return (
        f"{measured['requests_per_second']} req/s, p50 {measured['p50_ms']} ms, "
        f"p99 {measured['p99_ms']} ms, errors {measured['errors']}, "
        f"CPU ms per request {measured['cpu_ms_per_request']}"
    )


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    has = importlib.util.find_spec
    return {
        "clients": args.clients,
        "warm_up_seconds": args.warm_up,
        "duration_seconds": args.duration,
        "rounds": args.rounds,
        "members": args.members,
        "load_generator": args.client,
        "uvicorn_workers": args.workers,
        "uvicorn_loop": "uvloop" if has("uvloop") else "asyncio",
        "uvicorn_http": "httptools" if has("httptools") else "h11",
        "cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "python": platform.python_version(),
    }


if __name__ == "__main__":
    sys.exit(main())
