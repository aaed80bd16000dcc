"""`make bench-chaos`: 1,000 journeys in flight on the Temporal dev server with a database file; the
worker and then the Temporal server are killed with SIGKILL mid-run and restarted. Every journey must
complete (every playbook step in step_progress, and the workflow's `view` query says COMPLETE), no
step may be recorded twice, and no reminder decided or emailed twice.

Three quarters of the members sign up over HTTP at a steady rate, sign in from the link in their
welcome email, and walk the playbook with a pause before each step (an organizer approves the last).
The rest are imported with reminders due (bench/chaos_idle.py) in three waves: one at the start, one
just before each kill, so reminders are being sent when the process dies and come due while it is
down; they walk the playbook once every reminder went out. The worker is killed when a fifth of the
HTTP members' steps are recorded, the Temporal server at half. MEMBERS (default 1000) scales the run;
CHAOS_DATABASE=postgres runs it on a scratch PostgreSQL database instead of a SQLite file.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from temporalio.client import Client

from api.admin import assign_role
from api.settings import Settings
from api.temporal import connect
from bench import chaos_idle, chaos_report, chaos_verify
from bench.chaos_mail import MailIndex
from bench.chaos_members import Driver, Person, walk
from bench.chaos_verify import Counts
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

IDLE_SHARE = 0.25
DOWN_SECONDS = 5.0  # how long a killed process stays dead before it is started again
KILLS = (("worker", 0.2), ("temporal", 0.5))  # when this share of the HTTP members' steps is recorded
STALL_SECONDS = 240.0  # give up waiting when nothing new is recorded for this long


class Run:
    """Shared state of one run: the clock, who is in it, and the reminders' due times."""

    def __init__(self, settings: Settings, client: Client, cluster: Cluster) -> None:
        self.settings, self.client, self.cluster = settings, client, cluster
        self.started = time.monotonic()
        self.progress = chaos_verify.Progress(settings.database_url)
        self.ids: set[int] = set()
        self.due: list[float] = []  # when each imported member's second reminder comes due
        self.samples: list[chaos_report.Sample] = []

    def now(self) -> float:
        return round(time.monotonic() - self.started, 1)

    async def until(self, second: float) -> None:
        await asyncio.sleep(max(0.0, second - (time.monotonic() - self.started)))

    async def start_idle(self, people: list[Person], offsets: list[float]) -> None:
        await chaos_idle.start(self.client, self.settings, people, offsets)
        self.ids.update(p.member_id for p in people if p.member_id is not None)
        self.due += [self.now() + o for o in offsets]

    async def sample(self) -> None:
        while True:
            self.samples.append((self.now(), *self.progress(self.ids)))
            await asyncio.sleep(5)


async def run(members: int, database: str, workdir: Path) -> dict[str, Any]:
    arrival = float(os.environ.get("ARRIVAL_SECONDS", max(30.0, members * 0.15)))
    idle_count = int(members * IDLE_SHARE)
    with scratch_database(database, workdir, "chaos") as database_url:
        smtp_port, web_port, temporal_port = free_port(), free_port(), free_port()
        queue = new_task_queue("chaos")
        base_url = f"http://127.0.0.1:{web_port}"
        settings = bench_settings(database_url, f"127.0.0.1:{temporal_port}", queue)
        project_id = prepare(settings)
        mail = MailIndex(workdir / "outbox")
        env = perennial_env(
            database_url, settings.temporal_address, smtp_port, base_url, queue, mail.outbox.directory
        )
        cluster = Cluster(workdir, env, temporal_port, workdir / "temporal.db")
        driver = Driver([base_url], mail, member_lookup(database_url))
        try:
            cluster.start_temporal()
            cluster.start_outbox()
            cluster.start_worker("worker")
            cluster.start_web("web", web_port)
            await wait_until_serving(f"{base_url}/readyz")
            state = Run(settings, await connect(settings), cluster)
            organizer = Person("organizer@chaos.example.org", "Olu Organizer")
            await driver.sign_up(organizer)
            assign_role(settings, organizer.email, Role.ORGANIZER)
            await driver.sign_in(organizer)
            steps = list(settings.policy.playbook.steps)
            rng = random.Random(7)
            active = [
                Person(f"active{i}@chaos.example.org", f"Active {i}") for i in range(members - idle_count)
            ]
            idle = [Person(f"idle{i}@chaos.example.org", f"Idle {i}") for i in range(idle_count)]
            waves = [idle[: len(idle) * 2 // 5], idle[len(idle) * 2 // 5 : len(idle) * 7 // 10]]
            waves.append(idle[len(idle) * 7 // 10 :])
            state.started = time.monotonic()
            await state.start_idle(waves[0], [rng.uniform(10, arrival) for _ in waves[0]])

            async def arrive(i: int, person: Person) -> None:
                await state.until(i * arrival / len(active))
                state.ids.add(await driver.sign_up(person))
                await walk(driver, person, organizer, steps, project_id, lambda: rng.uniform(1.0, 5.0))

            sampler = asyncio.create_task(state.sample())
            faults = asyncio.create_task(_faults(state, waves[1:], len(active) * len(steps), rng))
            await asyncio.gather(*(arrive(i, p) for i, p in enumerate(active)))
            active_done = state.now()
            kills = await faults
            await _wait(state, lambda p: p[1] >= chaos_idle.REMINDERS_EACH * len(idle))
            reminded = state.now()
            await asyncio.gather(
                *(
                    walk(driver, p, organizer, steps, project_id, lambda: rng.uniform(0.5, 20), imported=True)
                    for p in idle
                )
            )
            await _wait(state, lambda p: p[0] >= len(steps) * len(state.ids))
            finished = state.now()
            sampler.cancel()
            chaos_report.recovery(state.samples, kills)
            expected = chaos_verify.Expected(
                {p.member_id: p.email for p in active + idle if p.member_id is not None},
                frozenset(p.member_id for p in active if p.member_id is not None),
                tuple(s.id for s in steps),
            )
            result, histories = await chaos_verify.everything(
                state.client, settings, expected, mail, cluster.label
            )
            return {
                "members": members,
                "signed_up_over_http": len(active),
                "imported_with_reminders_due": len(idle),
                "database": database,
                "arrival_seconds": arrival,
                "seconds": {
                    "http_members_done": active_done,
                    "reminders_sent": reminded,
                    "all_recorded": finished,
                },
                "kills": kills,
                "reminders_due_while_down": chaos_report.due_while_down(state.due, kills),
                "http": {
                    "requests": sum(driver.tally.requests.values()),
                    "retries": dict(driver.tally.retries),
                    "answers_lost_then_refused_as_done": driver.tally.answers_lost,
                    "sign_in_links_requested": driver.tally.links_requested,
                },
                "temporal_histories": histories,
                "cpu_seconds": cluster.cpu_seconds(),
                "samples_every_5s": state.samples,
                "verification": result,
                "violations": chaos_verify.violations(result),
            }
        finally:
            await driver.close()
            cluster.stop_all()


async def _faults(
    state: Run, waves: list[list[Person]], http_steps: int, rng: random.Random
) -> list[dict[str, Any]]:
    """Before each kill, a wave of imported members whose first reminder is due at once (in flight
    at the kill) and whose second comes due while the process is down or recovering."""
    kills = []
    for (target, share), wave in zip(KILLS, waves, strict=True):
        await _wait(state, _steps_at_least(share * http_steps), poll=0.5)
        await state.start_idle(wave, [rng.uniform(1, DOWN_SECONDS + 15) for _ in wave])
        await asyncio.sleep(1)
        steps, reminders, in_flight = state.progress(state.ids)
        state.cluster.kill(target)
        killed = state.now()
        print(f"[{killed:6.1f}s] kill -9 {target}: {in_flight} journeys in flight, {steps} steps recorded")
        await asyncio.sleep(DOWN_SECONDS)
        state.cluster.start_temporal() if target == "temporal" else state.cluster.start_worker("worker")
        kills.append(
            {
                "process": target,
                "killed_at": killed,
                "restarted_at": state.now(),
                "in_flight": in_flight,
                "steps_before": steps,
                "reminders_before": reminders,
            }
        )
    await asyncio.sleep(15)
    kills[-1]["worker_survived_server_restart"] = state.cluster.running("worker")
    if not state.cluster.running("worker"):
        state.cluster.start_worker("worker")
    return kills


def _steps_at_least(count: float) -> Callable[[Counts], bool]:
    return lambda counts: counts[0] >= count


async def _wait(state: Run, done: Callable[[Counts], bool], poll: float = 1.0) -> None:
    await chaos_verify.wait(state.progress, state.ids, done, poll=poll, stall=STALL_SECONDS)


def main() -> None:
    members = int(os.environ.get("MEMBERS", "1000"))
    database = os.environ.get("CHAOS_DATABASE", "sqlite")
    workdir = Path(tempfile.mkdtemp(prefix="perennial-chaos-"))
    report = asyncio.run(run(members, database, workdir))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"chaos-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    print(chaos_report.summary(report))
    print(f"saved {path.relative_to(RESULTS.parents[1])}; process logs in {workdir}")
    sys.exit(1 if report["violations"] else 0)


if __name__ == "__main__":
    main()
