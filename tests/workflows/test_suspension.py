"""Suspension through the journey: vouchers are told and penalized, their other vouchees queued; lifting it
gives the capacity back. Asking for vouches emails each person once. A vouch starts a missing journey."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError

from api.services import journeys as journey_service
from domain.journey import CompletedBy, StepCompletion, VouchAsk
from domain.vouching import Reinstatement, Suspension
from models import Member, ReviewItem, ReviewKind, VouchPenalty
from tests.factories import Db, eventually
from tests.workflows.conftest import Journeys
from tests.workflows.test_vouching import vouch_from
from workflows.member_journey import MemberJourney

REASON = "Shared the volunteer list with an outside group."


async def test_suspending_a_member_penalizes_and_tells_each_voucher_and_queues_their_other_vouchees(
    journeys: Journeys, db: Db
) -> None:
    north, south = db.chapter("North"), db.chapter("South")
    alice = db.member("alice@example.org", chapter_id=north.id)
    bob = db.member("bob@example.org", chapter_id=south.id)
    organizer = db.member("lead@example.org")
    wolf, lamb = db.member("wolf@example.org"), db.member("lamb@example.org")
    wolf_journey, lamb_journey = await journeys.start(wolf.id), await journeys.start(lamb.id)
    for voucher, chapter in ((alice, north), (bob, south)):
        await wolf_journey.execute_update(MemberJourney.vouch, vouch_from(voucher.id, chapter.id))
    await lamb_journey.execute_update(MemberJourney.vouch, vouch_from(alice.id, north.id))

    outcome = await wolf_journey.execute_update(MemberJourney.suspend, Suspension(organizer.id, REASON, 2))

    assert (set(outcome.voucher_ids), outcome.queued_for_review) == ({alice.id, bob.id}, 1)
    assert db.get(Member, wolf.id).suspended_reason == REASON
    with db.session() as s:
        assert sorted((p.voucher_id, p.points) for p in s.query(VouchPenalty)) == [(alice.id, 2), (bob.id, 2)]
        [item] = s.query(ReviewItem).all()
    assert (item.member_id, item.kind) == (lamb.id, ReviewKind.SHARED_VOUCHER)
    notices = await eventually(lambda: len(db.events(wolf.id, "mail.voucher_notice_sent")) == 2 or None)
    assert notices
    assert sorted(e.payload["to"] for e in db.events(wolf.id, "mail.voucher_notice_sent")) == sorted(
        [alice.id, bob.id]
    )
    with pytest.raises(WorkflowUpdateFailedError) as step:
        await wolf_journey.execute_update(
            MemberJourney.complete_step, StepCompletion("code_of_conduct", wolf.id, CompletedBy.SELF)
        )
    assert "suspended" in str(step.value.cause)
    with pytest.raises(WorkflowUpdateFailedError) as vouch:
        await wolf_journey.execute_update(MemberJourney.vouch, vouch_from(organizer.id, None))
    assert "This member is suspended" in str(vouch.value.cause)
    assert (await wolf_journey.query(MemberJourney.view)).status == "suspended"


async def test_lifting_a_suspension_gives_the_vouchers_their_capacity_back_and_the_journey_goes_on(
    journeys: Journeys, db: Db
) -> None:
    alice, organizer = db.member("alice@example.org"), db.member("lead@example.org")
    member = db.member("member@example.org")
    handle = await journeys.start(member.id)
    await handle.execute_update(MemberJourney.vouch, vouch_from(alice.id, None))
    await handle.execute_update(MemberJourney.suspend, Suspension(organizer.id, REASON, 2))

    with pytest.raises(WorkflowUpdateFailedError) as twice:
        await handle.execute_update(MemberJourney.suspend, Suspension(organizer.id, REASON, 2))
    view = await handle.execute_update(
        MemberJourney.reinstate, Reinstatement(organizer.id, "The report turned out to be mistaken.")
    )
    done = await handle.execute_update(
        MemberJourney.complete_step, StepCompletion("code_of_conduct", member.id, CompletedBy.SELF)
    )

    assert "already suspended" in str(twice.value.cause)
    assert view.status != "suspended" and done.steps[0].status == "done"
    assert db.get(Member, member.id).suspended_at is None
    with db.session() as s:
        assert [p.lifted_at is not None for p in s.query(VouchPenalty)] == [True]
    assert [e.kind for e in db.events(member.id) if e.kind.startswith("member.")][-2:] == [
        "member.suspended",
        "member.reinstated",
    ]


async def test_asking_for_vouches_emails_each_person_once(journeys: Journeys, db: Db) -> None:
    asker, alice, bob = (db.member(f"{n}@example.org") for n in ("asker", "alice", "bob"))
    handle = await journeys.start(asker.id)

    asked = await handle.execute_update(MemberJourney.ask_for_vouches, VouchAsk((alice.id, bob.id)))
    with pytest.raises(WorkflowUpdateFailedError) as again:
        await handle.execute_update(MemberJourney.ask_for_vouches, VouchAsk((alice.id,)))
    with pytest.raises(WorkflowUpdateFailedError) as self_ask:
        await handle.execute_update(MemberJourney.ask_for_vouches, VouchAsk((asker.id,)))

    assert asked == 2
    assert "already asked" in str(again.value.cause) and "yourself" in str(self_ask.value.cause)
    sent = db.events(asker.id, "mail.vouch_ask_sent")
    assert sorted(e.payload["to"] for e in sent) == sorted([alice.id, bob.id])


async def test_a_vouch_for_a_member_without_a_running_journey_starts_it_first(
    journeys: Journeys, db: Db
) -> None:
    imported, alice = db.member("imported@example.org"), db.member("alice@example.org")

    outcome = await journey_service.vouch(
        journeys.client, journeys.settings, imported.id, vouch_from(alice.id, None)
    )

    assert outcome.vouches == 1
    kinds = [e.kind for e in db.events(imported.id)]
    assert kinds[0] == "member.signed_up" and "vouch.given" in kinds
