"""AccessReconcile on the time-skipping server against the local GitHub, through real PyGithub: a dry run
reports drift and changes nothing; a confirmed run applies only the fixes the rails allow."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client, ScheduleActionStartWorkflow
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.github import GitHubActivities
from activities.github_client import github_from_settings
from activities.reconcile import ReconcileStore
from api.services import drift
from api.settings import Settings
from api.temporal import data_converter
from domain.access import AccessPolicy, Permission, Rung, Target, TargetKind
from domain.policy import load_policy
from localgithub.models import seed as seed_file
from models import AccessGrant, GrantStatus, Member
from models.base import utcnow
from models.drift import DriftRecord
from tests.conftest import REPO, binary
from tests.factories import Db, eventually
from tests.github_server import LocalGitHub, connect, running
from workflows.access_reconcile import AccessReconcile, ReconcileInput, ReconcileResult

EXAMPLE_SEED = Path(__file__).parents[2] / "localgithub" / "seed.example.toml"
ORG = "perennial-demo"
GITHUB_NAMES = {"pull": "read", "push": "write"}
EXAMPLE_ACCESS = load_policy(REPO / "community.example.toml").access
# A team the policy names but the organization does not have: GitHub answers 404 when it is read.
GHOSTS = Target(
    kind=TargetKind.TEAM, name="ghosts", rungs=(Rung(permission=Permission.WRITE, min_level="member"),)
)


@pytest.fixture(scope="module")
def github_world() -> Iterator[LocalGitHub]:
    with running(seed_file.load(EXAMPLE_SEED)) as local:
        yield local


@dataclass
class Reconciler:
    client: Client
    task_queue: str
    db: Db
    github: LocalGitHub

    async def run(self, inp: ReconcileInput) -> ReconcileResult:
        result: ReconcileResult = await self.client.execute_workflow(
            AccessReconcile.run, inp, id=f"access-reconcile-{uuid.uuid4()}", task_queue=self.task_queue
        )
        return result

    def grant(self, login: str, kind: TargetKind, target: str, permission: str, status: GrantStatus) -> None:
        person = self.db.member(f"{login}@example.org")
        with self.db.sessions.begin() as s:
            s.get_one(Member, person.id).github_login = login
            s.add(
                AccessGrant(
                    workflow_id=f"access-{person.id}-{kind.value}-{target}",
                    member_id=person.id,
                    target_kind=kind,
                    target=target,
                    permission=Permission(permission),
                    status=status,
                    reason="Granted for the test.",
                    requested_at=utcnow(),
                )
            )

    def team(self, slug: str) -> Any:
        return connect(self.github.url, "local-admin-token").get_organization(ORG).get_team_by_slug(slug)

    def holders(self) -> dict[str, dict[str, str]]:
        world = self.github.state()
        [website] = [r for r in world["repos"] if r["full_name"] == f"{ORG}/website"]
        [contributors] = [t for t in world["orgs"][0]["teams"] if t["slug"] == "contributors"]
        invited = {
            i["invitee"]: GITHUB_NAMES.get(i["permission"], i["permission"]) for i in world["invitations"]
        }
        return {
            "website": {**website["collaborators"], **{k: f"invited {v}" for k, v in invited.items()}},
            "contributors": {login: m["role"] for login, m in contributors["members"].items()},
        }

    def report(self, report_id: int) -> DriftRecord:
        record: DriftRecord = self.db.get(DriftRecord, report_id)
        return record


@pytest.fixture
def policy() -> AccessPolicy:
    return EXAMPLE_ACCESS


def reconcile_worker(
    client: Client, task_queue: str, db: Db, policy: AccessPolicy, github_url: str
) -> Worker:
    """What the wiring will register, built here on its own: the workflow and the activities it calls."""
    store = ReconcileStore(db.sessions, policy)
    github = GitHubActivities(github_from_settings(base_url=github_url, token="local-admin-token"), ORG)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[AccessReconcile],
        activities=[
            store.desired_access,
            store.drift_report,
            store.record_drift,
            github.list_github_holders,
            github.apply_github_access,
            github.remove_github_access,
        ],
        activity_executor=ThreadPoolExecutor(4),
        workflow_runner=SandboxedWorkflowRunner(
            restrictions=SandboxRestrictions.default.with_passthrough_all_modules()
        ),
    )


@pytest.fixture
async def reconciler(
    time_skipping_env: WorkflowEnvironment, db: Db, github_world: LocalGitHub, policy: AccessPolicy
) -> AsyncIterator[Reconciler]:
    github_world.reset()
    task_queue = str(uuid.uuid4())
    async with reconcile_worker(time_skipping_env.client, task_queue, db, policy, github_world.url):
        yield Reconciler(time_skipping_env.client, task_queue, db, github_world)


def findings(record: DriftRecord) -> dict[str, dict[str, str]]:
    return {t["target"]: {f["login"]: f["kind"] for f in t["findings"]} for t in record.report["targets"]}


def plan(record: DriftRecord) -> dict[str, dict[str, tuple[str, bool]]]:
    return {
        t["target"]: {i["login"]: (i["action"], i["allowed"]) for i in t["plan"]}
        for t in record.report["targets"]
    }


async def test_a_dry_run_reports_drift_and_a_confirmed_run_applies_only_the_allowed_fixes(
    reconciler: Reconciler,
) -> None:
    reconciler.grant("linus", TargetKind.REPO, "website", "write", GrantStatus.INVITED)  # invitation lost
    reconciler.grant("grace", TargetKind.TEAM, "contributors", "write", GrantStatus.ACTIVE)
    reconciler.grant("ada", TargetKind.TEAM, "contributors", "write", GrantStatus.ACTIVE)
    github = connect(reconciler.github.url, "local-admin-token")
    contributors = reconciler.team("contributors")
    contributors.remove_membership(github.get_user("grace"))  # by hand, on GitHub
    contributors.add_membership(github.get_user("ada"), "maintainer")  # promoted by hand
    before = reconciler.holders()

    dry = await reconciler.run(ReconcileInput())

    report = reconciler.report(dry.report_id)
    assert findings(report) == {
        "website": {"linus": "missing", "margaret": "extra"},
        "contributors": {"ada": "wrong-permission", "grace": "left"},
    }
    assert plan(report) == {
        "website": {"linus": ("add", True), "margaret": ("leave", False)},
        "contributors": {"ada": ("change", True), "grace": ("ask", False)},
    }
    assert (dry.findings, report.dry_run, report.allowed, report.fixes) == (4, True, 2, [])
    assert reconciler.holders() == before  # a dry run changes nothing

    admin = reconciler.db.member("organizer@example.org")
    fixed = await reconciler.run(
        ReconcileInput(confirm=True, report_id=dry.report_id, confirmed_by_id=admin.id)
    )

    assert fixed.applied == 2
    assert reconciler.holders() == {
        "website": {"margaret": "triage", "linus": "invited write"},  # the unmanaged holder stays
        "contributors": {"ada": "member"},  # grace, who left, is not re-added
    }
    record = reconciler.report(fixed.report_id)
    assert (record.dry_run, record.confirms_id, record.confirmed_by_id) == (False, dry.report_id, admin.id)
    assert record.fixed_at is not None
    assert [(f["item"]["login"], f["item"]["action"], f["done"], f["note"]) for f in record.fixes] == [
        ("linus", "add", True, "Done: GitHub shows invited write."),
        ("ada", "change", True, "Done: GitHub shows active write."),
    ]


async def test_confirming_again_applies_nothing_twice(reconciler: Reconciler) -> None:
    reconciler.grant("linus", TargetKind.REPO, "website", "write", GrantStatus.INVITED)
    dry = await reconciler.run(ReconcileInput())
    await reconciler.run(ReconcileInput(confirm=True, report_id=dry.report_id))

    again = await reconciler.run(ReconcileInput(confirm=True, report_id=dry.report_id))

    assert again.applied == 0
    assert [f["note"] for f in reconciler.report(again.report_id).fixes] == [
        "Skipped: GitHub already matches the grants."
    ]
    assert reconciler.holders()["website"] == {"margaret": "triage", "linus": "invited write"}


@pytest.mark.parametrize(
    "policy", [EXAMPLE_ACCESS.model_copy(update={"targets": (*EXAMPLE_ACCESS.targets, GHOSTS)})]
)
async def test_a_target_github_cannot_read_is_reported_and_the_rest_still_reconciled(
    reconciler: Reconciler,
) -> None:
    result = await reconciler.run(ReconcileInput())

    targets = {t["target"]: t for t in reconciler.report(result.report_id).report["targets"]}
    assert targets["ghosts"]["error"].startswith("GitHub could not be read, so nothing is planned:")
    assert targets["ghosts"]["plan"] == [] and targets["contributors"]["error"] is None
    assert targets["website"]["findings"] == [
        {
            "kind": "extra",
            "login": "margaret",
            "desired": None,
            "actual": "triage",
            "why": "margaret holds triage on GitHub, and no grant through Perennial covers it.",
        }
    ]


async def test_the_schedule_is_created_once_and_starts_a_dry_run_every_six_hours(
    settings: Settings, db: Db, github_world: LocalGitHub
) -> None:
    github_world.reset()
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        data_converter=data_converter(settings),
        dev_server_log_level="error",
    )
    try:
        await drift.ensure_schedule(env.client, settings)
        await drift.ensure_schedule(env.client, settings)  # a second worker start leaves it alone
        handle = env.client.get_schedule_handle(f"{settings.workflow_id_prefix}access-reconcile")
        described = await handle.describe()
        async with reconcile_worker(
            env.client, settings.temporal_task_queue, db, EXAMPLE_ACCESS, github_world.url
        ):
            await handle.trigger()
            await eventually(lambda: db.count(DriftRecord) == 1)
    finally:
        await env.shutdown()

    assert [i.every for i in described.schedule.spec.intervals] == [timedelta(hours=6)]
    assert isinstance(described.schedule.action, ScheduleActionStartWorkflow)
    assert described.schedule.action.workflow == "AccessReconcile"
    record = db.get(DriftRecord, 1)
    assert record.dry_run and findings(record) == {
        "website": {"margaret": "extra"},
        "contributors": {"grace": "extra"},
    }
