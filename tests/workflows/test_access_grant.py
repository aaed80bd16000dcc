"""AccessGrant on the time-skipping server against the local GitHub, driven through real PyGithub:
approval, invitation and verification, lowering and revocation, denial, expiry, and a trust drop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from api.settings import Settings
from api.worker import build_worker
from domain.grants import Approval, Denial, GrantInput, TrustUpdate, Withdrawal
from domain.roles import Role
from localgithub.models import seed as seed_file
from models import AccessGrant as Grant
from models import Member, MemberStatus
from tests.factories import Db, eventually
from tests.github_server import LocalGitHub, running
from workflows.access_grant import AccessGrant

EXAMPLE_SEED = Path(__file__).parents[2] / "localgithub" / "seed.example.toml"


@pytest.fixture(scope="module")
def github_world() -> Iterator[LocalGitHub]:
    with running(seed_file.load(EXAMPLE_SEED)) as local:
        yield local


@dataclass
class Grants:
    client: Client
    settings: Settings
    db: Db
    github: LocalGitHub
    env: WorkflowEnvironment

    async def start(self, member: Member, target: str, permission: str) -> WorkflowHandle:
        return await self.client.start_workflow(
            AccessGrant.run,
            GrantInput(member.id, target, permission, member.id),
            id=f"{self.settings.workflow_id_prefix}access-{member.id}-{target}",
            task_queue=self.settings.temporal_task_queue,
        )

    def holders(self, repo: str = "website") -> dict[str, str]:
        world = self.github.state()
        [found] = [r for r in world["repos"] if r["full_name"] == f"perennial-demo/{repo}"]
        github_names = {"pull": "read", "push": "write"}
        return {login: github_names.get(p, p) for login, p in found["collaborators"].items()}

    async def activate(self, person: Member, target: str, permission: str) -> WorkflowHandle:
        """Start a grant that needs no approval and accept GitHub's invitation as the member would."""
        handle = await self.start(person, target, permission)
        await eventually(lambda: {"invited", "active"} & set(self.statuses(person)))
        if "invited" in self.statuses(person):
            self.github.accept_invitations(person.github_login or "")
            await handle.signal(AccessGrant.invitation_accepted)
            await eventually(lambda: "active" in self.statuses(person))
        return handle

    def statuses(self, member: Member) -> list[str]:
        return [
            e.kind.removeprefix("access.") for e in self.db.events(member.id) if e.kind.startswith("access.")
        ]


@pytest.fixture
async def grants(
    time_skipping_env: WorkflowEnvironment, settings: Settings, db: Db, github_world: LocalGitHub
) -> AsyncIterator[Grants]:
    github_world.reset()
    settings = settings.model_copy(update={"github_base_url": github_world.url})
    async with build_worker(time_skipping_env.client, settings):
        yield Grants(time_skipping_env.client, settings, db, github_world, time_skipping_env)


async def dormant_with_write(grants: Grants) -> tuple[Member, Member, WorkflowHandle]:
    """Linus holds write on the website, approved by Ada, and has just gone dormant (not yet signalled)."""
    linus = member(grants.db, "linus", level=2)
    ada = member(grants.db, "ada", level=4, role=Role.ADMIN)
    handle = await grants.start(linus, "repo-website", "write")
    await handle.execute_update(AccessGrant.approve, Approval(ada.id))
    await eventually(lambda: "invited" in grants.statuses(linus))
    grants.github.accept_invitations("linus")
    await handle.signal(AccessGrant.invitation_accepted)
    await eventually(lambda: "active" in grants.statuses(linus))
    with grants.db.sessions.begin() as s:
        s.get(Member, linus.id).status = MemberStatus.DORMANT  # type: ignore[union-attr]
    return linus, ada, handle


def member(db: Db, login: str, level: int, role: Role = Role.MEMBER) -> Member:
    person = db.member(f"{login}@example.org", role=role)
    with db.sessions.begin() as s:
        record = s.get(Member, person.id)
        record.github_login, record.trust_level = login, level  # type: ignore[union-attr]
    return db.get(Member, person.id)


async def test_an_approved_grant_is_applied_once_verified_lowered_and_revoked(grants: Grants) -> None:
    linus = member(grants.db, "linus", level=2)
    ada = member(grants.db, "ada", level=4, role=Role.ADMIN)
    handle = await grants.start(linus, "repo-website", "write")

    with pytest.raises(WorkflowUpdateFailedError) as own:
        await handle.execute_update(AccessGrant.approve, Approval(linus.id))
    assert await handle.execute_update(AccessGrant.approve, Approval(ada.id)) == "approved"
    await eventually(lambda: "invited" in grants.statuses(linus))
    grants.github.accept_invitations("linus")
    await handle.signal(AccessGrant.invitation_accepted)
    await eventually(lambda: "active" in grants.statuses(linus))

    assert "approve their own access" in str(own.value.cause)
    assert grants.holders()["linus"] == "write"
    lowered = await handle.execute_update(
        AccessGrant.withdraw, Withdrawal(ada.id, "Finished the redesign.", "read")
    )
    assert lowered == "read" and grants.holders()["linus"] == "read"
    # The record says read too: the access matrix and the reconcile job read it, and a record still saying
    # write made the reconcile plan "set linus to write, as the grant says".
    assert grants.db.get(Grant, 1).permission == "read"
    revoked = await handle.execute_update(AccessGrant.withdraw, Withdrawal(ada.id, "Left the project."))

    assert revoked == "revoked" and await handle.result() == "revoked"
    assert "linus" not in grants.holders()
    with grants.db.session() as s:
        [record] = s.query(Grant).all()
    assert (record.status, record.decided_by_id, record.evidence["level"]) == (
        "revoked",
        ada.id,
        "contributor",
    )
    assert record.approvals == [{"by": ada.id}] and record.active_since is not None
    assert grants.statuses(linus).count("active") == 2  # activated, then lowered; applied once each


async def test_a_denied_request_touches_nothing_on_github_and_says_why(grants: Grants) -> None:
    linus = member(grants.db, "linus", level=2)
    ada = member(grants.db, "ada", level=4, role=Role.ADMIN)
    handle = await grants.start(linus, "repo-website", "write")

    with pytest.raises(WorkflowUpdateFailedError) as curt:
        await handle.execute_update(AccessGrant.deny, Denial(ada.id, "no"))
    denied = await handle.execute_update(AccessGrant.deny, Denial(ada.id, "Pair with a maintainer first."))

    assert "Say why" in str(curt.value.cause)
    assert denied == "denied" and await handle.result() == "denied"
    assert "linus" not in grants.holders()
    assert grants.db.get(Grant, 1).reason == "Denied: Pair with a maintainer first."


async def test_a_request_nobody_answers_reminds_escalates_and_expires(grants: Grants) -> None:
    linus = member(grants.db, "linus", level=2)
    member(grants.db, "ada", level=4, role=Role.ADMIN)
    handle = await grants.start(linus, "repo-website", "write")

    assert await handle.result() == "unapproved"
    kinds = [e.kind for e in grants.db.events(linus.id) if e.kind.startswith("mail.access_")]
    assert kinds == [
        "mail.access_approval_reminder_sent",
        "mail.access_approval_escalation_sent",
        "mail.access_unapproved_sent",
    ]
    assert "linus" not in grants.holders()


async def test_the_policy_refuses_a_rung_above_the_members_level_with_the_reason(grants: Grants) -> None:
    newcomer = member(grants.db, "linus", level=0)
    handle = await grants.start(newcomer, "repo-website", "write")

    assert await handle.result() == "refused"
    assert (
        grants.db.get(Grant, 1).reason
        == "write on repo-website needs the level 'contributor'; you are 'newcomer'."
    )


async def test_when_trust_falls_access_is_warned_first_then_removed_after_the_grace_period(
    grants: Grants,
) -> None:
    grace = member(grants.db, "margaret", level=1)
    handle = await grants.activate(grace, "repo-website", "triage")
    with grants.db.sessions.begin() as s:
        s.get(Member, grace.id).trust_level = 0  # type: ignore[union-attr]

    await handle.signal(AccessGrant.trust_changed, TrustUpdate(0))
    await eventually(lambda: "warned" in grants.statuses(grace))
    assert grants.holders()["margaret"] == "triage"  # warned, not yet lowered

    assert await handle.result() == "revoked"
    assert "margaret" not in grants.holders()
    assert grants.statuses(grace)[-2:] == ["warned", "revoked"]


async def test_a_suspension_takes_access_away_at_once_with_no_grace_period(grants: Grants) -> None:
    wolf = member(grants.db, "linus", level=2)
    handle = await grants.activate(wolf, "repo-website", "triage")

    await handle.signal(AccessGrant.trust_changed, TrustUpdate(0, suspended=True))
    # Polled, not awaited: the time-skipping server moves its clock only while a result is awaited, so a
    # 14-day grace period would not pass here.
    await eventually(lambda: "revoked" in grants.statuses(wolf))

    assert "linus" not in grants.holders()
    assert "warned" not in grants.statuses(wolf)
    assert grants.db.get(Grant, 1).reason == "Revoked: the member was suspended"
    assert await handle.result() == "revoked"


async def test_a_maintainers_revocation_during_a_warning_is_carried_out_at_once(grants: Grants) -> None:
    linus, ada, handle = await dormant_with_write(grants)
    await handle.signal(AccessGrant.trust_changed, TrustUpdate(dormant=True))
    await eventually(lambda: "warned" in grants.statuses(linus))

    revoked = await asyncio.wait_for(
        handle.execute_update(AccessGrant.withdraw, Withdrawal(ada.id, "Pushed to main without review.")),
        timeout=30,
    )

    assert revoked == "revoked" and "linus" not in grants.holders()
    assert grants.statuses(linus)[-2:] == ["warned", "revoked"], "revoked, not lowered to read at the end"
    assert await handle.result() == "revoked"


async def test_an_unrenewed_grant_lapses_at_the_end_of_its_term(grants: Grants) -> None:
    grace = member(grants.db, "margaret", level=1)
    handle = await grants.activate(grace, "repo-website", "triage")

    assert await handle.result() == "lapsed"
    assert "margaret" not in grants.holders()
    notices = [e.kind for e in grants.db.events(grace.id) if e.kind.startswith("mail.access_")]
    assert notices == ["mail.access_active_sent", "mail.access_expiring_sent", "mail.access_lapsed_sent"]


async def test_a_dormant_members_write_access_is_warned_then_lowered_to_read(grants: Grants) -> None:
    linus, _, handle = await dormant_with_write(grants)

    await handle.signal(AccessGrant.trust_changed, TrustUpdate(dormant=True))
    await eventually(lambda: "warned" in grants.statuses(linus))
    assert grants.holders()["linus"] == "write"  # warned first
    await grants.env.sleep(timedelta(days=15))  # the grace period passes
    await eventually(
        lambda: grants.statuses(linus)[-1] == "active" and grants.holders().get("linus") == "read"
    )

    assert grants.statuses(linus)[-2:] == ["warned", "active"]
    assert "Lowered to read" in grants.db.get(Grant, 1).reason
