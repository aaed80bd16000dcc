"""`make bench-scale`: two `perennial web` and two `perennial worker` processes against one Temporal dev
server and PostgreSQL (a scratch database made for the run and dropped after it).

Members sign up over HTTP, sign in from their welcome email and walk the playbook; every request goes
to the other web process than the one before, so one member's session cookie is used on both. When
two fifths of the steps are recorded, one worker is killed with SIGKILL and not restarted. Shown:
requests and CPU per web process; workflow tasks and activities per worker, from the identity that
Temporal records in each history; and that every journey still completed once, with no step recorded
twice. MEMBERS (default 400) scales the run.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.admin import assign_role
from api.temporal import connect
from bench import chaos_verify
from bench.chaos_mail import MailIndex
from bench.chaos_members import Driver, Person, walk
from bench.cluster_processes import (
    RESULTS,
    Cluster,
    free_port,
    new_task_queue,
    perennial_env,
    wait_until_serving,
)
from bench.cluster_setup import bench_settings, member_lookup, prepare, scratch_database
from domain.roles import Role

WEBS = ("web-a", "web-b")
WORKERS = ("worker-a", "worker-b")
KILL_AT = 0.4  # share of all steps recorded when worker-a is killed


async def run(members: int, workdir: Path) -> dict[str, Any]:
    arrival = float(os.environ.get("ARRIVAL_SECONDS", max(20.0, members * 0.15)))
    with scratch_database(os.environ.get("SCALE_DATABASE", "postgres"), workdir, "scale") as database_url:
        smtp_port, temporal_port = free_port(), free_port()
        ports = {name: free_port() for name in WEBS}
        urls = [f"http://127.0.0.1:{ports[name]}" for name in WEBS]
        queue = new_task_queue("scale")
        settings = bench_settings(database_url, f"127.0.0.1:{temporal_port}", queue)
        project_id = prepare(settings)
        mail = MailIndex(workdir / "outbox")
        # Links in emails name the first web process; a load balancer's address would stand there.
        env = perennial_env(
            database_url, settings.temporal_address, smtp_port, urls[0], queue, mail.outbox.directory
        )
        cluster = Cluster(workdir, env, temporal_port, workdir / "temporal.db")
        driver = Driver(urls, mail, member_lookup(database_url))
        progress = chaos_verify.Progress(database_url)
        try:
            cluster.start_temporal()
            cluster.start_outbox()
            for name in WORKERS:
                cluster.start_worker(name)
            for name in WEBS:
                cluster.start_web(name, ports[name])
            for url in urls:
                await wait_until_serving(f"{url}/readyz")
            client = await connect(settings)
            organizer = Person("organizer@scale.example.org", "Olu Organizer")
            await driver.sign_up(organizer)
            assign_role(settings, organizer.email, Role.ORGANIZER)
            await driver.sign_in(organizer)
            cpu_before = cluster.cpu_seconds()
            steps = list(settings.policy.playbook.steps)
            people = [Person(f"member{i}@scale.example.org", f"Member {i}") for i in range(members)]
            ids: set[int] = set()
            rng = random.Random(11)
            started = time.monotonic()

            async def arrive(i: int, person: Person) -> None:
                await asyncio.sleep(max(0.0, started + i * arrival / members - time.monotonic()))
                ids.add(await driver.sign_up(person))
                await walk(driver, person, organizer, steps, project_id, lambda: rng.uniform(1.0, 5.0))

            async def kill_one() -> dict[str, Any]:
                wanted = KILL_AT * members * len(steps)
                await chaos_verify.wait(progress, ids, lambda c: c[0] >= wanted, poll=0.5)
                recorded, _, in_flight = progress(ids)
                cpu = cluster.cpu_seconds()
                cluster.kill(WORKERS[0])
                at = round(time.monotonic() - started, 1)
                kill_time.append(datetime.now(UTC))
                print(f"[{at:6.1f}s] kill -9 {WORKERS[0]}: {in_flight} journeys in flight, {recorded} steps")
                return {
                    "process": WORKERS[0],
                    "killed_at": at,
                    "in_flight": in_flight,
                    "steps_before": recorded,
                    "cpu_seconds_of_killed_worker": round(cpu[WORKERS[0]] - cpu_before[WORKERS[0]], 1),
                }

            kill_time: list[datetime] = []
            killer = asyncio.create_task(kill_one())
            await asyncio.gather(*(arrive(i, p) for i, p in enumerate(people)))
            kill = await killer
            await chaos_verify.wait(progress, ids, lambda c: c[0] >= len(steps) * len(ids))
            elapsed = round(time.monotonic() - started, 1)
            cpu_after = cluster.cpu_seconds()
            expected = chaos_verify.Expected(
                {p.member_id: p.email for p in people if p.member_id is not None},
                frozenset(p.member_id for p in people if p.member_id is not None),
                tuple(s.id for s in steps),
            )
            result, histories = await chaos_verify.everything(
                client, settings, expected, mail, cluster.label, split_at=kill_time[0]
            )
            by_url = dict(zip(urls, WEBS, strict=True))
            return {
                "members": members,
                "database": database_url.split(":", 1)[0],
                "seconds": elapsed,
                "journeys_per_second": round(members / elapsed, 1),
                "requests_by_web": {by_url[u]: n for u, n in driver.tally.requests.items()},
                "http_retries": dict(driver.tally.retries),
                "answers_lost_then_refused_as_done": driver.tally.answers_lost,
                "cpu_seconds_during_run": {
                    **{name: round(cpu_after[name] - cpu_before[name], 1) for name in cpu_after},
                    WORKERS[0]: kill["cpu_seconds_of_killed_worker"],
                },
                "kill": kill,
                "temporal_histories": histories,
                "verification": result,
                "violations": _violations(result, histories),
            }
        finally:
            await driver.close()
            cluster.stop_all()


def _violations(result: dict[str, Any], histories: dict[str, Any]) -> list[str]:
    """Besides the chaos checks: both workers must have run workflow tasks and activities before the kill."""
    found = chaos_verify.violations(result)
    for key in ("workflow_tasks_by_worker_before_kill", "activities_by_worker_before_kill"):
        idle = [name for name in (f"{w}#1" for w in WORKERS) if not histories.get(key, {}).get(name)]
        if idle:
            found.append(f"{key}: none by {', '.join(idle)}")
    return found


def _summary(report: dict[str, Any]) -> str:
    v, h, kill = report["verification"], report["temporal_histories"], report["kill"]
    return "\n".join(
        [
            f"scale-out: {report['members']} journeys on {report['database']} through {len(WEBS)} web and "
            f"{len(WORKERS)} worker processes in {report['seconds']} s ({report['journeys_per_second']}/s)",
            f"  requests by web process: {report['requests_by_web']}; retried {report['http_retries']}",
            f"  CPU seconds: {report['cpu_seconds_during_run']}",
            f"  workflow tasks by worker: {h['workflow_tasks_by_worker']}, before the kill "
            f"{h['workflow_tasks_by_worker_before_kill']}",
            f"  activities by worker: {h['activities_by_worker']}, before the kill "
            f"{h['activities_by_worker_before_kill']}",
            f"  journeys run by more than one worker: {h['journeys_run_by_more_than_one_worker']}",
            f"  kill -9 {kill['process']} at {kill['killed_at']} s ({kill['in_flight']} journeys in flight, "
            f"{kill['steps_before']} steps recorded); Temporal retried {h['activities_retried']} activities "
            f"and {h['workflow_tasks_timed_out']} timed-out workflow tasks",
            f"  complete: {v['complete_in_database']} in the database, {v['complete_by_query']} by query, "
            f"of {v['journeys']}; steps recorded twice: {v['step_rows_recorded_twice']} rows, "
            f"{v['ledger_steps_recorded_twice']} ledger; journeys stopped: {v['journeys_stopped']}",
            "  violations: " + ("; ".join(report["violations"]) or "none"),
        ]
    )


def main() -> None:
    members = int(os.environ.get("MEMBERS", "400"))
    workdir = Path(tempfile.mkdtemp(prefix="perennial-scale-"))
    report = asyncio.run(run(members, workdir))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"scale-out-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(report, indent=2))
    print(_summary(report))
    print(f"saved {path.relative_to(RESULTS.parents[1])}; process logs in {workdir}")
    sys.exit(1 if report["violations"] else 0)


if __name__ == "__main__":
    main()
