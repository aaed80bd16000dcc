"""What a suspension takes away, at once and from every session: the powers of the member's role, and
the GitHub access they hold or asked for."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from domain.access import Permission, TargetKind
from domain.roles import Role
from models import AccessGrant, GrantStatus, Member
from tests.api.conftest import Site

REASON = {"reason": "Copied the volunteer list to an outside group."}


def headers(client: httpx.AsyncClient) -> dict[str, str]:
    return {"x-csrftoken": client.cookies["csrftoken"]}


async def test_a_suspended_organizer_acts_as_a_member_until_another_organizer_lifts_it(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    rogue = await site.member_with_journey("rogue@example.org", role=Role.ORGANIZER)
    async with site.client() as rogues, site.client() as leads:
        await site.sign_in_as(rogues, rogue)  # signed in before the suspension: the session lives on
        await site.sign_in_as(leads, lead)
        suspended = await leads.post(
            f"/api/members/{rogue.id}/suspension", json=REASON, headers=headers(leads)
        )
        own_lift = await rogues.post(
            f"/api/members/{rogue.id}/suspension/lift",
            json={"reason": "I have decided I was right all along."},
            headers=headers(rogues),
        )
        queue_while_suspended = await rogues.get("/api/reviews")
        record_while_suspended = await rogues.get(f"/api/members/{lead.id}")
        journey_while_suspended = await rogues.get("/journey")
        lead_lifts_own = await leads.post(
            f"/api/members/{lead.id}/suspension/lift", json=REASON, headers=headers(leads)
        )
        lifted = await leads.post(
            f"/api/members/{rogue.id}/suspension/lift",
            json={"reason": "The report was about someone else."},
            headers=headers(leads),
        )
        queue_after = await rogues.get("/api/reviews")

    assert suspended.status_code == 200, suspended.text
    assert own_lift.status_code == 403 and "suspended" in own_lift.json()["detail"]
    assert queue_while_suspended.status_code == 403
    assert record_while_suspended.status_code == 403
    assert journey_while_suspended.status_code == 200
    assert 'href="/reviews"' not in journey_while_suspended.text  # the menu shows what they may do
    assert lead_lifts_own.status_code == 409 and "your own suspension" in lead_lifts_own.json()["detail"]
    assert lifted.status_code == 200, lifted.text
    assert queue_after.status_code == 200


async def test_a_suspended_members_access_is_neither_approved_nor_renewed_nor_anyones_own(site: Site) -> None:
    admin = await site.member_with_journey("admin@example.org", role=Role.ADMIN)
    wolf = await site.member_with_journey("wolf@example.org")
    now = datetime.now(UTC)
    with site.db.sessions.begin() as s:
        s.get_one(Member, wolf.id).suspended_at = now
        for holder, status in ((wolf.id, GrantStatus.AWAITING_APPROVAL), (admin.id, GrantStatus.ACTIVE)):
            s.add(AccessGrant(workflow_id=f"grant-{holder}", member_id=holder, target_kind=TargetKind.REPO,
                              target="website", permission=Permission.WRITE, status=status,
                              reason="", requested_at=now))  # fmt: skip
    with site.db.sessions() as s:
        ids = {g.member_id: g.id for g in s.query(AccessGrant)}
    async with site.client() as client:
        await site.sign_in_as(client, admin)
        decide = {"headers": headers(client)}
        approve = await client.post(
            f"/api/access/{ids[wolf.id]}/decision", json={"action": "approve"}, **decide
        )
        renew = await client.post(f"/api/access/{ids[wolf.id]}/decision", json={"action": "renew"}, **decide)
        own = await client.post(f"/api/access/{ids[admin.id]}/decision", json={"action": "renew"}, **decide)

    assert approve.status_code == 409 and "suspended" in approve.json()["detail"]
    assert renew.status_code == 409 and "suspended" in renew.json()["detail"]
    assert own.status_code == 409 and "your own access" in own.json()["detail"]


async def test_a_grant_whose_process_has_ended_does_not_stop_a_suspension(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    wolf = await site.member_with_journey("wolf@example.org")
    with site.db.sessions.begin() as s:  # its record says active; no workflow answers to its id
        s.add(AccessGrant(workflow_id="gone-grant", member_id=wolf.id, target_kind=TargetKind.REPO,
                          target="website", permission=Permission.WRITE, status=GrantStatus.ACTIVE,
                          reason="", requested_at=datetime.now(UTC)))  # fmt: skip
    async with site.client() as client:
        await site.sign_in_as(client, lead)
        suspended = await client.post(
            f"/api/members/{wolf.id}/suspension", json=REASON, headers=headers(client)
        )

    assert suspended.status_code == 200, suspended.text
    assert site.db.get(Member, wolf.id).suspended
