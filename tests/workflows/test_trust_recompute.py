from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.outbox import Outbox
from domain.roles import Role
from domain.vouching import Relation
from models import Member, Vouch
from tests.factories import Db, eventually
from tests.workflows.conftest import Journeys
from workflows.member_journey import MemberJourney
from workflows.trust_recompute import RecomputeInput, TrustRecompute


async def test_a_recompute_promotes_a_vouched_member_whose_journey_hears_of_it_and_emails_them(
    journeys: Journeys, db: Db, outbox: Outbox
) -> None:
    north, south = db.chapter("North"), db.chapter("South")
    lead = db.member("lead@example.org", role=Role.ORGANIZER, chapter_id=north.id)
    lead2 = db.member("lead2@example.org", role=Role.ORGANIZER, chapter_id=south.id)
    newbie = db.member("newbie@example.org", name="Nia")
    journey = await journeys.start(newbie.id)
    await eventually(lambda: db.events(newbie.id, "mail.welcome_sent"))
    now = datetime.now(UTC)
    with db.sessions.begin() as s:
        for voucher, relation in ((lead, Relation.WORKED_TOGETHER), (lead2, Relation.ORGANIZER_INTERVIEW)):
            s.add(
                Vouch(
                    voucher_id=voucher.id,
                    vouchee_id=newbie.id,
                    statement="known",
                    relation=relation,
                    created_at=now,
                    expires_at=now + timedelta(days=365),
                )
            )

    result = await journeys.client.execute_workflow(
        TrustRecompute.run,
        RecomputeInput("test", journeys.settings.workflow_id_prefix),
        id=f"{journeys.settings.workflow_id_prefix}trust",
        task_queue=journeys.settings.temporal_task_queue,
    )

    assert [(c.member_id, c.new) for c in result.changes] == [(newbie.id, 1)]
    assert db.get(Member, newbie.id).trust_level == 1
    [mail] = await eventually(lambda: [m for m in outbox.to("newbie@example.org") if "member" in m.subject])
    assert mail.subject == "You are now a member in Perennial Demo Community"
    assert "/access" in mail.body and "/trust" in mail.body  # what the new level opens up, and why
    assert (await journey.query(MemberJourney.view)) is not None
