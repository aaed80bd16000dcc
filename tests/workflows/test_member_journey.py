from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from api.outbox import Outbox
from domain.journey import ActivitySeen, CompletedBy, Status, StepCompletion
from domain.roles import Role
from models import Member, MemberStatus
from tests.factories import Db, eventually
from tests.workflows.conftest import Journeys
from workflows.member_journey import MemberJourney


async def test_signup_records_the_first_step_and_sends_a_welcome_with_a_sign_in_link(
    journeys: Journeys, db: Db, outbox: Outbox
) -> None:
    member = db.member("ada@example.org")
    handle = await journeys.start(member.id)

    await eventually(lambda: db.events(member.id, "mail.welcome_sent"))
    view = await handle.query(MemberJourney.view)

    assert [e.kind for e in db.events(member.id)] == ["member.signed_up", "mail.welcome_sent"]
    assert view is not None and view.next_step_id == "code_of_conduct"
    assert view.status is Status.ACTIVE
    [welcome] = outbox.to("ada@example.org")
    assert "/signin/verify?token=" in welcome.body
    assert db.get(Member, member.id).current_step == "code_of_conduct"


async def test_steps_complete_in_order_and_bad_completions_are_refused_without_a_record(
    journeys: Journeys, db: Db
) -> None:
    project = db.project("spoke")
    organizer = db.member("organizer@example.org", role=Role.ORGANIZER)
    member = db.member("grace@example.org")
    handle = await journeys.start(member.id)
    me = member.id

    view = await handle.execute_update(MemberJourney.complete_step, StepCompletion("code_of_conduct", me))
    assert view.next_step_id == "profile"

    refusals = {
        "nope": "Unknown step 'nope'",
        "pick_project": "complete 'profile'",
        "code_of_conduct": "already complete",
    }
    for step_id, reason in refusals.items():
        with pytest.raises(WorkflowUpdateFailedError) as failure:
            await handle.execute_update(MemberJourney.complete_step, StepCompletion(step_id, me))
        assert reason in str(failure.value.cause)
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await handle.execute_update(
            MemberJourney.complete_step, StepCompletion("profile", me, form={"display_name": "Grace"})
        )
    assert "time_zone, skills" in str(failure.value.cause)

    profile = {"display_name": "Grace H.", "time_zone": "America/New_York", "skills": "python, sql"}
    await handle.execute_update(MemberJourney.complete_step, StepCompletion("profile", me, form=profile))
    await handle.execute_update(
        MemberJourney.complete_step, StepCompletion("pick_project", me, form={"project_id": str(project.id)})
    )
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await handle.execute_update(MemberJourney.complete_step, StepCompletion("meet_organizer", me))
    assert "organizer's approval" in str(failure.value.cause)
    view = await handle.execute_update(
        MemberJourney.complete_step, StepCompletion("meet_organizer", organizer.id, by=CompletedBy.ORGANIZER)
    )

    assert view.status is Status.COMPLETE
    assert [p.step_id for p in db.progress(me)] == [
        "code_of_conduct",
        "profile",
        "pick_project",
        "meet_organizer",
    ]
    stored = db.get(Member, me)
    assert (stored.display_name, stored.time_zone, stored.skills, stored.project_id) == (
        "Grace H.",
        "America/New_York",
        ["python", "sql"],
        project.id,
    )
    assert len(db.events(me, "journey.step_completed")) == 4


async def test_a_step_completed_twice_at_once_is_recorded_once(journeys: Journeys, db: Db) -> None:
    member = db.member("twice@example.org")
    handle = await journeys.start(member.id)
    completion = StepCompletion("code_of_conduct", member.id)

    results = await asyncio.gather(
        *(handle.execute_update(MemberJourney.complete_step, completion) for _ in range(3)),
        return_exceptions=True,
    )

    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert len(db.progress(member.id)) == 1
    assert len(db.events(member.id, "journey.step_completed")) == 1


async def test_an_idle_member_is_nudged_escalated_then_marked_dormant_and_returns_on_activity(
    journeys: Journeys, db: Db, outbox: Outbox
) -> None:
    organizer = db.member("org@example.org", role=Role.ORGANIZER)
    chapter = db.chapter("Philadelphia", organizers=[organizer])
    member = db.member("idle@example.org", chapter_id=chapter.id)
    handle = await journeys.start(member.id)
    await eventually(lambda: db.events(member.id, "mail.welcome_sent"))
    env = journeys.env

    await env.sleep(timedelta(days=3, hours=1))
    await eventually(lambda: len(db.events(member.id, "journey.nudged")) == 1)
    view = await handle.query(MemberJourney.view)
    assert view is not None and view.next_reminder_at == view.last_activity_at + timedelta(days=7)

    await env.sleep(timedelta(days=4))
    await eventually(lambda: len(db.events(member.id, "journey.nudged")) == 2)
    await env.sleep(timedelta(days=3))
    [escalation] = await eventually(lambda: db.events(member.id, "journey.escalated"))
    assert escalation.payload["organizer_ids"] == [organizer.id]
    assert escalation.payload["step"] == "code_of_conduct"

    await env.sleep(timedelta(days=20))
    await eventually(lambda: db.get(Member, member.id).status is MemberStatus.DORMANT)
    assert (await handle.query(MemberJourney.view)).status is Status.DORMANT

    nudges = outbox.to("idle@example.org")
    assert [m.subject.split(" with ")[0] for m in nudges[1:]] == [
        "Your next step",
        "Still there? Your next step",
    ]
    assert "seems stuck" in outbox.to("org@example.org")[0].subject

    await handle.signal(MemberJourney.activity_seen, ActivitySeen("sign_in"))
    await eventually(lambda: db.get(Member, member.id).status is MemberStatus.ACTIVE)
    assert [e.kind for e in db.events(member.id)][-2:] == ["member.dormant", "member.returned"]
    assert (await handle.query(MemberJourney.view)).status is Status.ACTIVE


async def test_reminders_respect_a_member_who_declined_them(
    journeys: Journeys, db: Db, outbox: Outbox
) -> None:
    member = db.member("quiet@example.org", reminders=False)
    await journeys.start(member.id)
    await eventually(lambda: db.events(member.id, "mail.welcome_sent"))

    await journeys.env.sleep(timedelta(days=3, hours=1))
    [nudge] = await eventually(lambda: db.events(member.id, "journey.nudged"))

    assert "did not consent" in nudge.payload["skipped"]
    assert [m.subject for m in outbox.to("quiet@example.org")] == [outbox.to("quiet@example.org")[0].subject]


async def test_the_journey_continues_as_new_with_its_state_when_history_grows(
    journeys: Journeys, db: Db
) -> None:
    member = db.member("long@example.org")
    handle = await journeys.start(member.id, history_limit=20)
    first_run = (await handle.describe()).run_id

    await handle.execute_update(MemberJourney.complete_step, StepCompletion("code_of_conduct", member.id))
    profile = {"display_name": "L", "time_zone": "UTC", "skills": "docs"}
    await handle.execute_update(
        MemberJourney.complete_step, StepCompletion("profile", member.id, form=profile)
    )

    later = journeys.client.get_workflow_handle(handle.id)
    await eventually(lambda: True)
    description = await later.describe()
    view = await later.query(MemberJourney.view)
    assert description.run_id != first_run
    assert view is not None and view.next_step_id == "pick_project"
    assert [s.status for s in view.steps[:2]] == ["done", "done"]
    assert len(db.events(member.id, "member.signed_up")) == 1
