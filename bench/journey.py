"""`make bench-journey`: members signed up over HTTP until their journey records the first step, per
second, against a bare one-activity workflow on the same dev server; and worker memory per journey.

Everything runs as in production, each in its own process: the Temporal dev server, `perennial web`,
`perennial worker`, and (for the baseline) a worker with one no-op activity.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
from sqlalchemy import func, select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from api.outbox import Outbox, start_sink
from bench.baseline_worker import OneActivity
from models import Event
from models.base import make_engine, session_factory
from models.migrate import upgrade

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
WARM_UP = 50


def main(members: int = 1000, concurrency: int = 32, rounds: int = 3) -> None:
    # Rates on a shared 2-core machine swing by +-10% between runs: report the median of rounds.
    runs = [asyncio.run(_measure(members, concurrency)) for _ in range(rounds)]
    result = {
        "median_ratio_to_baseline": statistics.median(r["ratio_to_baseline"] for r in runs),
        "median_worker_kb_per_cached_journey": statistics.median(
            r["worker_kb_per_cached_journey"] for r in runs
        ),
        "targets": {"ratio_to_baseline": ">= 0.7", "worker_kb_per_cached_journey": "< 150"},
        "rounds": runs,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"journey-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(f"saved {path.relative_to(REPO)}")


async def _measure(members: int, concurrency: int) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="perennial-bench-"))
    database_url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.db'}")
    upgrade(database_url)
    smtp_port, web_port = _free_port(), _free_port()
    sink = start_sink(Outbox(workdir / "outbox"), port=smtp_port)
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=_binary("temporal"), dev_server_log_level="error"
    )
    address = env.client.service_client.config.target_host
    processes: list[subprocess.Popen[bytes]] = []
    processes_to_reap: list[asyncio.subprocess.Process] = []
    try:
        baseline_queue = f"baseline-{uuid.uuid4()}"
        processes.append(_spawn([sys.executable, "-m", "bench.baseline_worker", address, baseline_queue]))
        baseline_watch = {"worker": processes[0].pid, "bench": os.getpid(), "temporal": _server_pid(env)}
        baseline, baseline_cpu = await _baseline_rate(
            env.client, baseline_queue, members, concurrency, baseline_watch
        )

        child_env = _perennial_env(database_url, address, smtp_port, web_port)
        worker = _spawn([sys.executable, "-m", "api.cli", "worker"], child_env)
        processes += [
            worker,
            _spawn([sys.executable, "-m", "api.cli", "web", "--port", str(web_port)], child_env),
        ]
        base_url = f"http://127.0.0.1:{web_port}"
        await _wait_for(f"{base_url}/healthz")
        sessions = session_factory(make_engine(database_url))
        await _sign_up(base_url, sessions, range(WARM_UP), concurrency)  # imports and sandbox set-up, once
        rss_before = psutil.Process(worker.pid).memory_info().rss
        watched = {
            "web": processes[-1].pid,
            "worker": worker.pid,
            "bench": os.getpid(),
            "temporal": _server_pid(env),
        }
        cpu_before = _cpu_seconds(watched)
        if os.environ.get("BENCH_PROFILE"):  # py-spy samples the worker while journeys start
            profiler = await asyncio.create_subprocess_exec(
                *_py_spy(worker.pid, os.environ["BENCH_PROFILE"]), stdout=subprocess.DEVNULL
            )
            processes_to_reap.append(profiler)
        elapsed = await _sign_up(base_url, sessions, range(WARM_UP, WARM_UP + members), concurrency)
        cpu_used = {name: round(after - cpu_before[name], 1) for name, after in _cpu_seconds(watched).items()}
        await asyncio.sleep(2)  # let welcome emails finish so the cache holds parked journeys only
        rss_after = psutil.Process(worker.pid).memory_info().rss
        journey_rate = members / elapsed
        return {
            "members": members,
            "concurrency": concurrency,
            "database": database_url.split(":", 1)[0],
            "baseline_workflows_per_second": round(baseline, 1),
            "journey_signups_per_second": round(journey_rate, 1),
            "ratio_to_baseline": round(journey_rate / baseline, 2),
            "cpu_seconds_during_baseline": baseline_cpu,
            "cpu_seconds_during_signups": cpu_used,
            "elapsed_seconds": round(elapsed, 1),
            "worker_rss_mb_per_1000_open_journeys": round(
                (rss_after - rss_before) / members * 1000 / 2**20, 1
            ),
            "worker_kb_per_cached_journey": round((rss_after - rss_before) / members / 1024, 1),
        }
    finally:
        for process in processes:
            process.terminate()
            process.wait(15)
        for profiler in processes_to_reap:
            await profiler.wait()
        await env.shutdown()
        sink.stop()


async def _baseline_rate(
    client: Client, task_queue: str, count: int, concurrency: int, watched: dict[str, int]
) -> tuple[float, dict[str, float]]:
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with gate:
            await client.execute_workflow(
                OneActivity.run, i, id=f"baseline-{task_queue}-{i}", task_queue=task_queue
            )

    await asyncio.gather(*(one(i) for i in range(WARM_UP)))
    cpu_before = _cpu_seconds(watched)
    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(WARM_UP, WARM_UP + count)))
    rate = count / (time.perf_counter() - started)
    return rate, {name: round(after - cpu_before[name], 1) for name, after in _cpu_seconds(watched).items()}


async def _sign_up(base_url: str, sessions, numbers: range, concurrency: int) -> float:  # type: ignore[no-untyped-def]
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as client:

        async def one(i: int) -> None:
            async with gate:
                response = await client.post(
                    "/api/members", json={"email": f"bench{i}@example.org", "display_name": f"B{i}"}
                )
                response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in numbers))
        expected = numbers.stop
        while _signed_up(sessions) < expected:  # noqa: ASYNC110 (polls the database: the journeys record it)
            await asyncio.sleep(0.02)
        return time.perf_counter() - started


def _signed_up(sessions) -> int:  # type: ignore[no-untyped-def]
    with sessions() as session:
        count: int = session.scalar(select(func.count(Event.id)).where(Event.kind == "member.signed_up")) or 0
        return count


def _py_spy(pid: int, output: str) -> list[str]:
    py_spy = str(Path(sys.executable).parent / "py-spy")
    return [py_spy, "record", "-p", str(pid), "-o", output, "-f", "raw", "-d", "12", "-r", "200", "--gil"]


def _cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    times = {name: psutil.Process(pid).cpu_times() for name, pid in pids.items()}
    return {name: t.user + t.system for name, t in times.items()}


def _server_pid(env: WorkflowEnvironment) -> int:
    port = int(env.client.service_client.config.target_host.rsplit(":", 1)[1])
    return next(
        int(c.pid)
        for c in psutil.net_connections("tcp")
        if c.laddr and c.laddr.port == port and c.status == "LISTEN"
    )


def _perennial_env(database_url: str, address: str, smtp_port: int, web_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "TEMPORAL_ADDRESS": address,
        "PERENNIAL_SMTP_PORT": str(smtp_port),
        "PERENNIAL_BASE_URL": f"http://127.0.0.1:{web_port}",
        "PERENNIAL_POLICY_PATH": str(REPO / "community.example.toml"),
        "PERENNIAL_PUBLIC_WRITE_LIMIT": "1000000/minute",  # one client signs everyone up
        "PERENNIAL_TEMPORAL_TASK_QUEUE": f"bench-{uuid.uuid4()}",
    }


def _spawn(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _wait_for(url: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _binary(name: str) -> str:
    return str(Path(sys.executable).parent / name)


if __name__ == "__main__":
    main()
