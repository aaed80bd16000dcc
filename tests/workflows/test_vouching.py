from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.vouching import Relation, VoucherFacts, VouchPolicy, VouchRequest
from models import Vouch
from tests.factories import Db, eventually
from tests.workflows.conftest import Journeys
from workflows.member_journey import MemberJourney

LEVELS = ("newcomer", "member", "contributor", "trusted", "steward")


def vouch_from(voucher_id: int, chapter_id: int | None, *, used: int = 0, level: int = 2) -> VouchRequest:
    facts = VoucherFacts(voucher_id, level, LEVELS[level], 120, used, chapter_id=chapter_id)
    return VouchRequest(
        facts, "We ran the phone bank together.", Relation.WORKED_TOGETHER, VouchPolicy(), LEVELS
    )


async def test_two_vouches_from_distinct_chapters_are_enough_and_each_is_recorded_once(
    journeys: Journeys, db: Db
) -> None:
    north, south = db.chapter("North"), db.chapter("South")
    alice, bob = (
        db.member("alice@example.org", chapter_id=north.id),
        db.member("bob@example.org", chapter_id=south.id),
    )
    newcomer = db.member("new@example.org")
    handle = await journeys.start(newcomer.id)
    await eventually(lambda: db.events(newcomer.id, "mail.welcome_sent"))

    first = await handle.execute_update(MemberJourney.vouch, vouch_from(alice.id, north.id))
    second = await handle.execute_update(MemberJourney.vouch, vouch_from(bob.id, south.id))

    assert (first.vouches, first.enough, second.vouches, second.enough) == (1, False, 2, True)
    assert db.count(Vouch) == 2
    assert [e.actor_id for e in db.events(newcomer.id, "vouch.given")] == [alice.id, bob.id]


@pytest.mark.parametrize(
    ("request_for", "reason"),
    [
        (lambda me, other: vouch_from(me, None), "cannot vouch for yourself"),
        (lambda me, other: vouch_from(other, None, level=0), "needs the level 'member'"),
        (lambda me, other: vouch_from(other, None, used=5), "used your 5 vouches"),
    ],
)
async def test_a_refused_vouch_says_why_and_records_nothing(
    journeys: Journeys, db: Db, request_for, reason: str
) -> None:  # type: ignore[no-untyped-def]
    other = db.member("other@example.org")
    newcomer = db.member("new@example.org")
    handle = await journeys.start(newcomer.id)

    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await handle.execute_update(MemberJourney.vouch, request_for(newcomer.id, other.id))

    assert reason in str(failure.value.cause)
    assert db.count(Vouch) == 0


async def test_the_database_refuses_a_voucher_over_budget_even_when_the_request_says_otherwise(
    journeys: Journeys, db: Db
) -> None:
    busy = db.member("busy@example.org")
    handles = []
    for n in range(6):
        member = db.member(f"new{n}@example.org")
        handles.append(await journeys.start(member.id))
    for handle in handles[:5]:
        await handle.execute_update(MemberJourney.vouch, vouch_from(busy.id, None))  # each claims 0 used

    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await handles[5].execute_update(MemberJourney.vouch, vouch_from(busy.id, None))

    assert "used your 5 vouches" in str(failure.value.cause)
    assert db.count(Vouch) == 5
