"""A re-engagement campaign on the time-skipping server: the dormant segment is frozen at launch and
emailed in waves an interval apart; people who never agreed to emails are skipped; the tally closes it."""

from __future__ import annotations

from datetime import UTC, datetime

from activities.campaign_contracts import CampaignInput
from api.outbox import Outbox
from models import Campaign, CampaignRecipient, Member, MemberStatus
from tests.factories import Db
from tests.workflows.conftest import Journeys
from workflows.reengagement import ReengagementCampaign


async def test_a_campaign_mails_the_segment_in_spaced_waves_and_tallies(
    journeys: Journeys, db: Db, outbox: Outbox
) -> None:
    organizer = db.member("lead@example.org")
    away = [db.member(f"away{n}@example.org") for n in range(5)]
    silent = db.member("silent@example.org", reminders=False)
    active = db.member("active@example.org")
    with db.sessions.begin() as s:
        for person in [*away, silent]:
            s.get(Member, person.id).status = MemberStatus.DORMANT  # type: ignore[union-attr]
        campaign = Campaign(
            name="2026 cycle",
            segment={"dormant": True},
            subject="We miss you",
            body="Hi $name, the next cycle starts soon.",
            wave_size=2,
            wave_minutes=90,
            created_by_id=organizer.id,
            created_at=datetime.now(UTC),
        )
        s.add(campaign)
        s.flush()
        campaign_id = campaign.id

    tally = await journeys.client.execute_workflow(
        ReengagementCampaign.run,
        CampaignInput(campaign_id, wave_minutes=90),
        id=f"{journeys.settings.workflow_id_prefix}campaign-{campaign_id}",
        task_queue=journeys.settings.temporal_task_queue,
    )

    with db.session() as s:
        recipients = s.query(CampaignRecipient).order_by(CampaignRecipient.member_id).all()
    assert {r.member_id for r in recipients} == {p.id for p in [*away, silent]}  # not the active member
    assert sorted({r.wave for r in recipients}) == [1, 2, 3]
    sent = sorted(r.sent_at for r in recipients if r.sent_at)
    assert (sent[-1] - sent[0]).total_seconds() >= 2 * 90 * 60  # three waves, 90 minutes apart
    mails = [m for m in outbox.messages() if m.subject == "We miss you"]
    assert sorted(m.to for m in mails) == sorted(p.email for p in away)  # the one who said no is skipped
    assert "Hi away0, the next cycle starts soon." in next(m.body for m in mails if m.to == away[0].email)
    assert (tally.reached, tally.returned) == (5, 0)
    assert db.get(Campaign, campaign_id).status == "finished"
    assert active.id not in {r.member_id for r in recipients}
