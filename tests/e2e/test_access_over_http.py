"""A worker killed with SIGKILL in the middle of a grant: the permission is applied once and recorded once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.grants import GrantInput
from localgithub.models import seed as seed_file
from models import AccessGrant as GrantRecord
from models import Member
from tests.e2e.conftest import System
from tests.factories import eventually
from tests.github_server import LocalGitHub, running
from workflows.access_grant import AccessGrant

pytestmark = pytest.mark.e2e
SEED = Path(__file__).parents[2] / "localgithub" / "seed.example.toml"


@pytest.fixture
def github_world() -> Iterator[LocalGitHub]:
    with running(seed_file.load(SEED)) as local:
        local.set_faults(latency_seconds=0.3)  # each GitHub call takes a while, so kills land mid-call
        yield local


async def test_a_worker_killed_during_a_grant_applies_and_records_it_exactly_once(
    system: System, github_world: LocalGitHub
) -> None:
    system.kill("worker")
    system.process_env["PERENNIAL_GITHUB_BASE_URL"] = github_world.url
    system.start("worker")
    linus = system.db.member("linus@example.org")
    with system.db.sessions.begin() as s:
        record = s.get(Member, linus.id)
        record.github_login, record.trust_level = "linus", 1  # type: ignore[union-attr]

    handle = await system.env.client.start_workflow(
        AccessGrant.run,
        GrantInput(linus.id, "repo-website", "triage", linus.id),
        id=f"{system.settings.workflow_id_prefix}access-{linus.id}-repo-website",
        task_queue=system.settings.temporal_task_queue,
    )
    # The record is written just before the first GitHub call: kill while that call is in flight.
    await eventually(lambda: system.db.events(linus.id, "access.requested"), timeout=60)
    await asyncio.sleep(0.5)
    system.kill("worker")  # SIGKILL: no chance to finish or report the call in flight
    system.start("worker")
    await eventually(lambda: system.db.events(linus.id, "access.invited"), timeout=120)
    github_world.accept_invitations("linus")
    await handle.signal(AccessGrant.invitation_accepted)
    await eventually(lambda: system.db.events(linus.id, "access.active"), timeout=60)

    world = github_world.state()
    [website] = [r for r in world["repos"] if r["full_name"] == "perennial-demo/website"]
    assert website["collaborators"]["linus"] == "triage"
    assert [i for i in world["invitations"] if i["invitee"] == "linus"] == []
    kinds = [e.kind for e in system.db.events(linus.id) if e.kind.startswith("access.")]
    assert sorted(kinds) == ["access.active", "access.invited", "access.requested"]
    assert system.db.count(GrantRecord) == 1
    history = await handle.fetch_history()
    attempts = [
        e.activity_task_started_event_attributes.attempt
        for e in history.events
        if e.HasField("activity_task_started_event_attributes")
    ]
    assert max(attempts) >= 2  # the kill did land during a call, which ran again on the new worker
