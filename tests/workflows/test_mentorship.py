"""The Mentorship lifecycle on the time-skipping server: introduction, acceptance, fortnightly check-ins,
missed check-ins alerting organizers, a milestone, feedback and graduation; a mentor who never accepts
(the mentee is matched again); pause, end and reassign through validated updates."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from api.settings import Settings
from api.worker import build_worker
from domain.mentorship import Acceptance, Change, CheckInAnswer, Feedback, MentorshipInput, Side
from domain.roles import Role
from models import CheckIn, Event, MentorProfile, Mentorship, PairingStatus
from tests.factories import Db, eventually
from workflows.mentorship import Mentorship as MentorshipWorkflow


@dataclass
class Pairings:
    client: Client
    settings: Settings
    db: Db
    env: WorkflowEnvironment

    async def start(self, mentor_id: int, mentee_id: int) -> tuple[int, WorkflowHandle]:
        with self.db.sessions.begin() as s:
            pairing = Mentorship(
                mentor_id=mentor_id,
                mentee_id=mentee_id,
                status=PairingStatus.INTRODUCED,
                created_at=datetime.now(UTC),
                reasons=["skills 0.80", "language: en"],
            )
            s.add(pairing)
            s.flush()
            pairing_id = pairing.id
        handle = await self.client.start_workflow(
            MentorshipWorkflow.run,
            MentorshipInput(pairing_id, mentor_id, mentee_id, self.settings.policy.mentorship),
            id=f"{self.settings.workflow_id_prefix}mentorship-{pairing_id}",
            task_queue=self.settings.temporal_task_queue,
        )
        return pairing_id, handle

    def kinds(self, mentee_id: int, prefix: str = "mentorship.") -> list[str]:
        return [e.kind for e in self.db.events(mentee_id) if e.kind.startswith(prefix)]


@pytest.fixture
async def pairings(
    time_skipping_env: WorkflowEnvironment, settings: Settings, db: Db
) -> AsyncIterator[Pairings]:
    async with build_worker(time_skipping_env.client, settings):
        yield Pairings(time_skipping_env.client, settings, db, time_skipping_env)


async def test_a_whole_mentorship_from_introduction_to_graduation(pairings: Pairings) -> None:
    db = pairings.db
    lead = db.member("lead@example.org", role=Role.ADMIN)
    mentor, mentee = db.member("mentor@example.org"), db.member("mentee@example.org")
    pairing_id, handle = await pairings.start(mentor.id, mentee.id)

    with pytest.raises(WorkflowUpdateFailedError) as impostor:
        await handle.execute_update(MentorshipWorkflow.accept, Acceptance(mentee.id))
    assert await handle.execute_update(MentorshipWorkflow.accept, Acceptance(mentor.id)) == "accepted"
    await eventually(lambda: db.count(CheckIn) == 2)  # round 1 is open for both sides
    assert (
        await handle.execute_update(
            MentorshipWorkflow.check_in, CheckInAnswer(Side.MENTOR, "Paired on a bug")
        )
        == 1
    )
    await handle.execute_update(MentorshipWorkflow.check_in, CheckInAnswer(Side.MENTEE, "Fixed my first bug"))
    with pytest.raises(WorkflowUpdateFailedError) as twice:
        await handle.execute_update(MentorshipWorkflow.check_in, CheckInAnswer(Side.MENTEE, "again"))
    with db.session() as s:  # what each side said is on its row as soon as the update returns
        said = {c.side: c.answers for c in s.query(CheckIn).filter_by(mentorship_id=pairing_id, round=1)}
    assert said == {
        "mentor": {"went_well": "Paired on a bug", "blocked_on": ""},
        "mentee": {"went_well": "Fixed my first bug", "blocked_on": ""},
    }
    with db.sessions.begin() as s:  # the mentee's first pull request is merged
        s.add(
            Event(
                at=datetime.now(UTC) + timedelta(days=1),
                kind="contribution.pr_merged",
                subject_type="member",
                subject_id=mentee.id,
                payload={},
            )
        )

    await pairings.env.sleep(timedelta(weeks=12))  # nobody answers the later check-ins
    await eventually(lambda: "mail.mentorship_feedback_sent" in pairings.kinds(mentee.id, "mail."))
    await handle.execute_update(MentorshipWorkflow.feedback, Feedback(Side.MENTEE, "I learned a lot"))
    await handle.execute_update(MentorshipWorkflow.feedback, Feedback(Side.MENTOR, "A pleasure"))

    assert await handle.result() == "graduated"
    graduated = db.get(Mentorship, pairing_id)
    assert (graduated.mentor_feedback, graduated.mentee_feedback) == ("A pleasure", "I learned a lot")
    assert "Only the proposed mentor" in str(impostor.value.cause)
    assert "already answered" in str(twice.value.cause)
    assert db.get(Mentorship, pairing_id).status is PairingStatus.GRADUATED
    kinds = pairings.kinds(mentee.id)
    assert kinds.count("mentorship.check_in_opened") == 6  # every two weeks over twelve
    assert kinds.count("mentorship.milestone") == 1
    mails = pairings.kinds(mentee.id, "mail.mentorship_")
    assert mails[0] == "mail.mentorship_introduction_sent" and "mail.mentorship_missed_alert_sent" in mails
    alert = next(e for e in db.events(mentee.id, "mail.mentorship_missed_alert_sent"))
    assert alert.payload["to"] == [lead.id]  # organizers hear of missed check-ins
    mentoring = db.events(mentor.id, "contribution.mentoring_session")
    assert len(mentoring) == 1  # the one check-in the mentor answered counts toward their trust
    with db.session() as s:  # closing the round kept the time each answer came, not the close's
        first = s.query(CheckIn).filter_by(mentorship_id=pairing_id, round=1).all()
        later = s.query(CheckIn).filter_by(mentorship_id=pairing_id, round=2).all()
    assert all(c.submitted_at is not None and c.submitted_at < c.due_at - timedelta(days=13) for c in first)
    assert all(c.submitted_at is None and c.answers == {} for c in later)


async def test_a_mentor_who_never_accepts_is_replaced_by_the_next_best(pairings: Pairings) -> None:
    db = pairings.db
    silent, other = db.member("silent@example.org"), db.member("other@example.org")
    mentee = db.member("mentee@example.org")
    with db.sessions.begin() as s:
        for person in (silent, other):
            s.add(
                MentorProfile(
                    member_id=person.id, skills=["python"], capacity=2, time_zone="UTC", languages=["en"]
                )
            )
    _, handle = await pairings.start(silent.id, mentee.id)

    assert await handle.result() == "not-accepted"
    with db.session() as s:
        pairings_now = s.query(Mentorship).order_by(Mentorship.id).all()
    assert [(p.mentor_id, p.status) for p in pairings_now] == [
        (silent.id, PairingStatus.NOT_ACCEPTED),
        (other.id, PairingStatus.INTRODUCED),
    ]
    follow_up = pairings.client.get_workflow_handle(
        f"{pairings.settings.workflow_id_prefix}mentorship-{pairings_now[1].id}"
    )
    assert (await follow_up.describe()).workflow_type == "Mentorship"


async def test_pause_resume_and_reassign_are_validated_updates(pairings: Pairings) -> None:
    db = pairings.db
    mentor, mentee, new_mentor = (db.member(f"{n}@example.org") for n in ("mentor", "mentee", "new"))
    _, handle = await pairings.start(mentor.id, mentee.id)
    await handle.execute_update(MentorshipWorkflow.accept, Acceptance(mentor.id))

    with pytest.raises(WorkflowUpdateFailedError) as curt:
        await handle.execute_update(MentorshipWorkflow.pause, Change(mentee.id, "no"))
    await handle.execute_update(MentorshipWorkflow.pause, Change(mentee.id, "exams this month"))
    with pytest.raises(WorkflowUpdateFailedError) as paused_check_in:
        await handle.execute_update(MentorshipWorkflow.check_in, CheckInAnswer(Side.MENTEE, "hi"))
    await handle.execute_update(MentorshipWorkflow.resume, Change(mentee.id, "exams are over"))
    result = await handle.execute_update(
        MentorshipWorkflow.end, Change(mentor.id, "moving to another project", new_mentor_id=new_mentor.id)
    )

    assert "Give the reason" in str(curt.value.cause)
    assert "no check-in open" in str(paused_check_in.value.cause)
    assert result == "reassigned" and await handle.result() == "reassigned"
    kinds = pairings.kinds(mentee.id)
    assert [k for k in kinds if k in ("mentorship.paused", "mentorship.reassigned")] == [
        "mentorship.paused",
        "mentorship.reassigned",
    ]
    with db.session() as s:
        assert s.query(Mentorship).filter_by(mentor_id=new_mentor.id).one().status is PairingStatus.INTRODUCED
