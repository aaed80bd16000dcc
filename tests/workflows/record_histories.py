"""Record MemberJourney histories at early and late stages for the replay test (`make histories`).

Run it after a deliberate change to the workflow's history shape (behind `workflow.patched`), and
commit the new files beside the old ones: old histories must keep replaying.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.client import WorkflowHandle, WorkflowUpdateStage
from temporalio.testing import WorkflowEnvironment

from api.outbox import Outbox, start_sink
from api.temporal import data_converter
from api.worker import build_worker
from domain.grants import Approval, GrantInput, TrustUpdate, Withdrawal
from domain.journey import ActivitySeen, CompletedBy, JourneyInput, StepCompletion, VouchAsk
from domain.mentorship import Acceptance, Change, CheckInAnswer, Feedback, MentorshipInput, Side
from domain.roles import Role
from domain.vouching import Reinstatement, Relation, Suspension, VoucherFacts, VouchRequest
from localgithub.models import seed as seed_file
from models import Member, MemberStatus, Mentorship, PairingStatus
from models.migrate import upgrade
from tests.conftest import binary, free_port, make_settings
from tests.factories import Db, eventually
from tests.github_server import running
from workflows.access_grant import AccessGrant
from workflows.member_journey import MemberJourney
from workflows.mentorship import Mentorship as MentorshipWorkflow
from workflows.trust_recompute import RecomputeInput, TrustRecompute

HISTORIES = Path(__file__).parent / "histories"


async def record() -> None:
    workdir = Path(tempfile.mkdtemp())
    url = f"sqlite:///{workdir / 'histories.db'}"
    upgrade(url)
    port = free_port()
    sink = start_sink(Outbox(workdir / "outbox"), port=port)
    github_world = running(seed_file.load(Path(__file__).parents[2] / "localgithub" / "seed.example.toml"))
    local_github = github_world.__enter__()
    settings = make_settings(url, port, workflow_id_prefix="history-", github_base_url=local_github.url)
    db = Db(url)
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"), data_converter=data_converter(settings)
    )
    try:
        async with build_worker(env.client, settings):
            organizer = db.member("organizer@example.org", role=Role.ORGANIZER)
            project = db.project("spoke")

            async def start(email: str, limit: int | None = None) -> tuple[Member, WorkflowHandle]:
                member = db.member(email)
                handle = await env.client.start_workflow(
                    MemberJourney.run,
                    JourneyInput(member.id, history_limit=limit),
                    id=settings.journey_id(member.id),
                    task_queue=settings.temporal_task_queue,
                )
                await eventually(lambda: db.events(member.id, "mail.welcome_sent"))
                return member, handle

            early, handle = await start("early@example.org")
            await handle.execute_update(
                MemberJourney.complete_step, StepCompletion("code_of_conduct", early.id)
            )
            await save(handle, "early-first-step")

            late, handle = await start("late@example.org")
            await env.sleep(timedelta(days=31))
            await eventually(lambda: db.get(Member, late.id).status == MemberStatus.DORMANT)
            await handle.signal(MemberJourney.activity_seen, ActivitySeen("sign_in"))
            for step, form, by, actor in [
                ("code_of_conduct", {}, CompletedBy.SELF, late.id),
                (
                    "profile",
                    {"display_name": "Late", "time_zone": "UTC", "skills": "go"},
                    CompletedBy.SELF,
                    late.id,
                ),
                ("pick_project", {"project_id": str(project.id)}, CompletedBy.SELF, late.id),
                ("meet_organizer", {}, CompletedBy.ORGANIZER, organizer.id),
            ]:
                await handle.execute_update(
                    MemberJourney.complete_step, StepCompletion(step, actor, by, form)
                )
            await save(handle, "late-nudged-escalated-dormant-returned-complete")

            renewed, handle = await start("renewed@example.org", limit=25)
            await handle.execute_update(
                MemberJourney.complete_step, StepCompletion("code_of_conduct", renewed.id)
            )
            await env.sleep(timedelta(days=4))
            await handle.execute_update(
                MemberJourney.complete_step,
                StepCompletion(
                    "profile", renewed.id, form={"display_name": "R", "time_zone": "UTC", "skills": "x"}
                ),
            )
            await save(
                env.client.get_workflow_handle(handle.id, run_id=handle.first_execution_run_id),
                "continued-as-new-first-run",
            )
            await save(env.client.get_workflow_handle(handle.id), "continued-as-new-second-run")

            north, south = db.chapter("North"), db.chapter("South")
            lead = db.member("lead-n@example.org", role=Role.ORGANIZER, chapter_id=north.id)
            lead2 = db.member("lead-s@example.org", role=Role.ORGANIZER, chapter_id=south.id)
            vouched, handle = await start("vouched@example.org")
            for voucher, chapter in ((lead, north.id), (lead2, south.id)):
                facts = VoucherFacts(voucher.id, 1, "member", 365, 0, chapter_id=chapter)
                request = VouchRequest(
                    facts,
                    "We organized together.",
                    Relation.WORKED_TOGETHER,
                    settings.policy.vouching,
                    tuple(r.name for r in settings.policy.trust.levels),
                )
                await handle.execute_update(MemberJourney.vouch, request)
            await env.client.execute_workflow(
                TrustRecompute.run,
                RecomputeInput("history", settings.workflow_id_prefix),
                id="history-trust",
                task_queue=settings.temporal_task_queue,
            )
            await eventually(lambda: db.events(vouched.id, "mail.level_change_sent"))
            await save(handle, "vouched-and-promoted")

            _asker, handle = await start("asker@example.org")
            await handle.execute_update(MemberJourney.ask_for_vouches, VouchAsk((lead.id, lead2.id)))
            await handle.execute_update(MemberJourney.vouch, request)
            await handle.execute_update(
                MemberJourney.suspend, Suspension(organizer.id, "Shared the volunteer list outside.", 2)
            )
            await handle.execute_update(
                MemberJourney.reinstate, Reinstatement(organizer.id, "The report was about someone else.")
            )
            await save(handle, "asked-vouched-suspended-reinstated")

            linus = db.member("linus@example.org")
            with db.sessions.begin() as s:
                record = s.get(Member, linus.id)
                record.github_login, record.trust_level = "linus", 2  # type: ignore[union-attr]
            grant = await env.client.start_workflow(
                AccessGrant.run,
                GrantInput(linus.id, "repo-website", "write", linus.id),
                id=f"history-access-{linus.id}-repo-website",
                task_queue=settings.temporal_task_queue,
            )
            await grant.execute_update(AccessGrant.approve, Approval(organizer.id))
            await eventually(lambda: db.events(linus.id, "access.invited"))
            local_github.accept_invitations("linus")
            await grant.signal(AccessGrant.invitation_accepted)
            await eventually(lambda: db.events(linus.id, "access.active"))
            await grant.execute_update(AccessGrant.withdraw, Withdrawal(organizer.id, "Left the project."))
            await grant.result()
            await save(grant, "approved-invited-accepted-revoked", prefix="access-grant")

            # Warned for dormancy, then revoked by a maintainer during the warning; and a suspension.
            for login, change in (("margaret", "dormant"), ("linus", "suspended")):
                holder = db.member(f"{change}-{login}@example.org")
                with db.sessions.begin() as s:
                    for earlier in s.query(Member).filter(Member.github_login == login):
                        earlier.github_login = None  # the first linus, whose grant was revoked above
                    s.flush()
                    record = s.get(Member, holder.id)
                    record.github_login, record.trust_level = login, 2  # type: ignore[union-attr]
                held = await env.client.start_workflow(
                    AccessGrant.run,
                    GrantInput(holder.id, "repo-website", "triage", holder.id),
                    id=f"history-access-{holder.id}-repo-website",
                    task_queue=settings.temporal_task_queue,
                )

                def kinds(member_id: int = holder.id) -> set[str]:
                    return {e.kind for e in db.events(member_id)}

                await eventually(lambda k=kinds: {"access.invited", "access.active"} & k())  # type: ignore[misc]
                if "access.invited" in kinds():
                    local_github.accept_invitations(login)
                    await held.signal(AccessGrant.invitation_accepted)
                    await eventually(lambda k=kinds: "access.active" in k())  # type: ignore[misc]
                if change == "dormant":
                    with db.sessions.begin() as s:
                        s.get(Member, holder.id).status = MemberStatus.DORMANT  # type: ignore[union-attr]
                    await held.signal(AccessGrant.trust_changed, TrustUpdate(dormant=True))
                    await eventually(lambda h=holder: db.events(h.id, "access.warned"))  # type: ignore[misc]
                    await held.start_update(
                        AccessGrant.withdraw,
                        Withdrawal(organizer.id, "Pushed without review."),
                        wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                    )
                else:
                    await held.signal(AccessGrant.trust_changed, TrustUpdate(0, suspended=True))
                await held.result()
                await save(held, f"active-{change}-revoked", prefix="access-grant")

            mentor, mentee = db.member("mentor@example.org"), db.member("mentee@example.org")
            with db.sessions.begin() as s:
                pairing = Mentorship(
                    mentor_id=mentor.id,
                    mentee_id=mentee.id,
                    status=PairingStatus.INTRODUCED,
                    created_at=datetime.now(UTC),
                    reasons=["skills 0.80"],
                )
                s.add(pairing)
                s.flush()
                pairing_id = pairing.id
            paired = await env.client.start_workflow(
                MentorshipWorkflow.run,
                MentorshipInput(pairing_id, mentor.id, mentee.id, settings.policy.mentorship),
                id=f"history-mentorship-{pairing_id}",
                task_queue=settings.temporal_task_queue,
            )
            await paired.execute_update(MentorshipWorkflow.accept, Acceptance(mentor.id))
            await eventually(lambda: db.events(mentee.id, "mentorship.check_in_opened"))
            await paired.execute_update(
                MentorshipWorkflow.check_in, CheckInAnswer(Side.MENTOR, "paired on a bug")
            )
            await paired.execute_update(MentorshipWorkflow.pause, Change(mentee.id, "exams this month"))
            await paired.execute_update(MentorshipWorkflow.resume, Change(mentee.id, "exams are over"))
            await env.sleep(timedelta(weeks=13))
            await eventually(lambda: db.events(mentee.id, "mail.mentorship_feedback_sent"))
            await paired.execute_update(MentorshipWorkflow.feedback, Feedback(Side.MENTEE, "learned a lot"))
            await paired.result()
            await save(paired, "accepted-paused-resumed-graduated", prefix="mentorship")
    finally:
        await env.shutdown()
        sink.stop()
        db.close()
        github_world.__exit__(None, None, None)


async def save(handle: WorkflowHandle, name: str, prefix: str = "member-journey") -> None:
    history = await handle.fetch_history()
    HISTORIES.mkdir(exist_ok=True)
    (HISTORIES / f"{prefix}-{name}.json").write_text(history.to_json())
    print(f"saved {name}: {len(history.events)} events")


if __name__ == "__main__":
    asyncio.run(record())
