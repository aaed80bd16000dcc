"""500 access grants through the real dev server and worker against the local GitHub with 20% of its
responses replaced by 5xx errors: every grant converges, each permission is applied once, the audit
trail is complete. Run: `make bench-access` (GRANTS=500 FAULTS=0.2)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import func, select
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from api.outbox import Outbox, start_sink
from api.settings import Settings
from api.temporal import data_converter
from api.worker import build_worker
from bench.journey import _binary, _free_port
from domain.grants import GrantInput
from localgithub.app import create_app
from localgithub.faults import FaultSettings
from localgithub.models import seed as seed_file
from localgithub.state import State
from models import AccessGrant, Event, GrantStatus, Member
from models.base import make_engine, session_factory
from models.migrate import upgrade
from workflows.access_grant import AccessGrant as AccessGrantWorkflow

SEED = Path(__file__).parents[1] / "localgithub" / "seed.example.toml"
TARGET, PERMISSION = "repo-website", "triage"


def main() -> None:
    grants, faults = int(os.environ.get("GRANTS", "500")), float(os.environ.get("FAULTS", "0.2"))
    print(json.dumps(asyncio.run(_measure(grants, faults)), indent=2))


async def _measure(grants: int, faults: float) -> dict[str, object]:
    workdir = Path(tempfile.mkdtemp(prefix="perennial-access-bench-"))
    database_url = f"sqlite:///{workdir / 'bench.db'}"
    upgrade(database_url)
    logins = [f"volunteer-{n}" for n in range(grants)]
    seed = seed_file.load(SEED).model_dump()
    seed["users"] += [{"login": login} for login in logins]
    # Each grant costs about ten API calls: 500 would spend GitHub's whole hourly budget of 5,000, which
    # the workflow rightly waits out. This run measures fault convergence, so the budget is raised.
    seed["core_rate_limit"] = 100_000
    github_port, smtp_port = _free_port(), _free_port()
    server = _serve(State(seed_file.Seed.model_validate(seed)), github_port, faults)
    sink = start_sink(Outbox(workdir / "outbox"), port=smtp_port)
    settings = Settings(
        database_url=database_url,
        smtp_port=smtp_port,
        github_base_url=f"http://127.0.0.1:{github_port}",
        temporal_task_queue="access-bench",
    )
    sessions = session_factory(make_engine(database_url))
    with sessions.begin() as session:
        members = [
            Member(email=f"{login}@example.org", display_name=login, github_login=login, trust_level=1)
            for login in logins
        ]
        session.add_all(members)
    ids = {m.github_login: m.id for m in members}
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=_binary("temporal"),
        dev_server_log_level="error",
        data_converter=data_converter(settings),
    )
    try:
        async with (
            build_worker(env.client, settings),
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{github_port}") as control,
        ):
            started = time.monotonic()
            handles = await asyncio.gather(
                *(
                    env.client.start_workflow(
                        AccessGrantWorkflow.run,
                        GrantInput(ids[login], TARGET, PERMISSION, ids[login]),
                        id=f"access-{ids[login]}-{TARGET}",
                        task_queue=settings.temporal_task_queue,
                    )
                    for login in logins
                )
            )
            by_member = {h.id.split("-")[1]: h for h in handles}
            accepted: set[int] = set()
            while True:
                with sessions() as session:
                    rows = session.execute(select(AccessGrant.member_id, AccessGrant.status)).all()
                invited = [m for m, s in rows if s is GrantStatus.INVITED and m not in accepted]
                for member_id in invited:  # the volunteer accepts GitHub's invitation, as a person would
                    login = next(name for name, i in ids.items() if i == member_id)
                    (await control.post(f"/_local/users/{login}/accept-invitations")).raise_for_status()
                    await by_member[str(member_id)].signal(AccessGrantWorkflow.invitation_accepted)
                    accepted.add(member_id)
                if os.environ.get("BENCH_DEBUG") and time.monotonic() - started > 30:
                    await _print_stuck(rows, by_member)
                if sum(s is GrantStatus.ACTIVE for _, s in rows) == grants:
                    break
                await asyncio.sleep(0.5)
            elapsed = time.monotonic() - started
            world = (await control.get("/_local/state")).json()
    finally:
        await env.shutdown()
        sink.stop()
        server.should_exit = True
    [website] = [r for r in world["repos"] if r["full_name"] == "perennial-demo/website"]
    held = {login: p for login, p in website["collaborators"].items() if login.startswith("volunteer-")}
    with sessions() as session:
        per_member = dict(
            session.execute(
                select(Event.subject_id, func.count())
                .where(Event.kind == "access.active")
                .group_by(Event.subject_id)
            ).all()
        )
        requested = session.scalar(select(func.count()).where(Event.kind == "access.requested"))
    return {
        "grants": grants,
        "injected_5xx_share": faults,
        "seconds_until_all_active": round(elapsed, 1),
        "holding_triage_on_github": sum(p == "triage" for p in held.values()),
        "pending_invitations_left": sum(
            1 for i in world["invitations"] if i["invitee"].startswith("volunteer-")
        ),
        "members_with_exactly_one_activation_record": sum(1 for n in per_member.values() if n == 1),
        "requests_recorded": requested,
    }


async def _print_stuck(rows: list[tuple[int, GrantStatus]], handles: dict[str, WorkflowHandle]) -> None:
    for member_id, status in rows:
        if status is not GrantStatus.ACTIVE:
            pending = (await handles[str(member_id)].describe()).raw_description.pending_activities
            print(
                member_id,
                status,
                [(a.activity_type.name, a.attempt, a.last_failure.message) for a in pending],
            )


def _serve(state: State, port: int, faults: float) -> uvicorn.Server:
    app = create_app(state, FaultSettings(server_error_share=faults, random_seed=7))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server


if __name__ == "__main__":
    sys.exit(main())
