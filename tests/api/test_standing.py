"""Organizers suspend and reinstate, approve levels, record contributions and work the review queue;
members see their vouch tree, get sponsor suggestions and ask for vouches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from domain.roles import Role
from models import Member, ReviewItem, VouchPenalty
from tests.api.conftest import Site
from tests.factories import csrf

BODY = {"statement": "We built the volunteer scheduler together.", "relation": "worked-together"}
REASON = {"reason": "Copied the volunteer list to an outside group."}


def headers(client: httpx.AsyncClient) -> dict[str, str]:
    return {"x-csrftoken": client.cookies["csrftoken"]}


async def vouch(site: Site, voucher: Member, vouchee: Member) -> None:
    async with site.client() as client:
        await site.sign_in_as(client, voucher)
        response = await client.post(f"/api/members/{vouchee.id}/vouches", json=BODY, headers=headers(client))
        assert response.status_code == 201, response.text


async def test_a_suspension_reaches_vouchers_and_the_review_queue_and_can_be_lifted(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    other_lead = await site.member_with_journey("lead2@example.org", role=Role.ORGANIZER)
    wolf = await site.member_with_journey("wolf@example.org")
    lamb = await site.member_with_journey("lamb@example.org")
    await vouch(site, lead, wolf)
    await vouch(site, lead, lamb)

    async with site.client() as client:
        await site.sign_in_as(client, other_lead)
        short = await client.post(
            f"/api/members/{wolf.id}/suspension", json={"reason": "bad"}, headers=headers(client)
        )
        suspended = await client.post(
            f"/api/members/{wolf.id}/suspension", json=REASON, headers=headers(client)
        )
        queue = (await client.get("/api/reviews")).json()
        tree = (await client.get(f"/api/members/{lamb.id}/vouch-tree")).json()
        page = await client.get("/reviews")
        lifted = await client.post(
            f"/api/members/{wolf.id}/suspension/lift",
            json={"reason": "The report was about someone else."},
            headers=headers(client),
        )

    assert short.status_code == 422
    assert suspended.status_code == 200, suspended.text
    assert suspended.json() == {"voucher_ids": [lead.id], "queued_for_review": 1}
    assert [(i["member_id"], i["kind"]) for i in queue] == [(lamb.id, "shared-voucher")]
    assert [n["name"] for n in tree["received"]] == ["lead"]
    assert "lamb" in page.text and "vouch tree" in page.text
    assert lifted.status_code == 200 and lifted.json()["status"] != "suspended"
    with site.db.session() as s:
        assert [p.lifted_at is not None for p in s.query(VouchPenalty)] == [True]
    notice = [m for m in site.outbox.messages() if "has been suspended" in m.subject]
    assert [m.to for m in notice] == ["lead@example.org"]
    assert REASON["reason"] not in notice[0].body  # vouchers learn that, not why


async def test_an_organizer_cannot_resolve_a_review_item_about_themselves(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    vouched_lead = await site.member_with_journey("lead2@example.org", role=Role.ORGANIZER)
    judge = await site.member_with_journey("lead3@example.org", role=Role.ORGANIZER)
    wolf = await site.member_with_journey("wolf@example.org")
    await vouch(site, lead, wolf)
    await vouch(site, lead, vouched_lead)
    async with site.client() as judges, site.client() as theirs:
        await site.sign_in_as(judges, judge)
        await site.sign_in_as(theirs, vouched_lead)
        await judges.post(f"/api/members/{wolf.id}/suspension", json=REASON, headers=headers(judges))
        [item] = (await judges.get("/api/reviews")).json()
        own = await theirs.post(
            f"/api/reviews/{item['id']}",
            json={"outcome": "cleared", "note": "Nothing to see here."},
            headers=headers(theirs),
        )
        still_open = (await judges.get("/api/reviews")).json()

    assert item["member_id"] == vouched_lead.id
    assert own.status_code == 409 and "about you" in own.json()["detail"]
    assert [i["id"] for i in still_open] == [item["id"]]


async def test_the_vouch_tree_is_for_the_member_and_organizers_only(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    member = await site.member_with_journey("member@example.org")
    stranger = await site.member_with_journey("stranger@example.org")
    await vouch(site, lead, member)

    seen = {}
    for viewer in (member, lead, stranger):
        async with site.client() as client:
            await site.sign_in_as(client, viewer)
            seen[viewer.display_name] = await client.get(f"/members/{member.id}/vouch-tree")

    assert seen["member"].status_code == 200 and "lead" in seen["member"].text
    assert seen["lead"].status_code == 200
    assert seen["stranger"].status_code == 403


async def test_resolving_review_items_records_the_decision(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    other_lead = await site.member_with_journey("lead2@example.org", role=Role.ORGANIZER)
    wolf = await site.member_with_journey("wolf@example.org")
    lamb = await site.member_with_journey("lamb@example.org")
    await vouch(site, lead, wolf)
    await vouch(site, lead, lamb)
    async with site.client() as client:
        await site.sign_in_as(client, other_lead)
        await client.post(f"/api/members/{wolf.id}/suspension", json=REASON, headers=headers(client))
        [item] = (await client.get("/api/reviews")).json()
        wrong = await client.post(
            f"/api/reviews/{item['id']}", json={"outcome": "approved"}, headers=headers(client)
        )
        cleared = await client.post(
            f"/api/reviews/{item['id']}",
            json={"outcome": "cleared", "note": "Known to me for years."},
            headers=headers(client),
        )
        twice = await client.post(
            f"/api/reviews/{item['id']}", json={"outcome": "cleared"}, headers=headers(client)
        )
        left = (await client.get("/api/reviews")).json()

    assert wrong.status_code == 409 and "Only level approvals" in wrong.json()["detail"]
    assert (cleared.status_code, twice.status_code, left) == (204, 409, [])
    stored = site.db.get(ReviewItem, item["id"])
    assert (stored.outcome, stored.note, stored.resolved_by_id) == (
        "cleared",
        "Known to me for years.",
        other_lead.id,
    )


async def test_contributions_are_recorded_once_and_bad_ones_say_what_to_fix(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    member = await site.member_with_journey("member@example.org")
    event = {"kind": "event_attended", "ref": "Phone bank 2026-10-03", "external_id": "mobilize-881"}
    async with site.client() as client:
        await site.sign_in_as(client, lead)
        first = await client.post(
            f"/api/members/{member.id}/contributions", json=event, headers=headers(client)
        )
        resent = await client.post(
            f"/api/members/{member.id}/contributions", json=event, headers=headers(client)
        )
        unknown = await client.post(
            f"/api/members/{member.id}/contributions", json={"kind": "dance"}, headers=headers(client)
        )
        future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
        ahead = await client.post(
            f"/api/members/{member.id}/contributions",
            json={"kind": "review", "at": future},
            headers=headers(client),
        )

    assert first.status_code == 201 and first.json()["kind"] == "contribution.event_attended"
    assert resent.status_code == 409 and "mobilize-881" in resent.json()["detail"]
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"][-1] == "kind"
    assert ahead.status_code == 422 and "future" in ahead.json()["detail"][0]["msg"]
    assert len(site.db.events(member.id, "contribution.event_attended")) == 1


async def test_a_member_is_shown_who_worked_with_them_and_asks_them_for_a_vouch(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    north = site.db.chapter("North", organizers=[lead])
    newcomer = await site.member_with_journey("new@example.org", chapter_id=north.id)
    unrelated = await site.member_with_journey("far@example.org", role=Role.ORGANIZER)
    async with site.client() as client:
        await site.sign_in_as(client, lead)
        await client.post(
            f"/api/members/{newcomer.id}/contributions",
            json={"kind": "event_attended", "ref": "Canvass launch"},
            headers=headers(client),
        )
        await client.post(
            f"/api/members/{lead.id}/contributions",
            json={"kind": "organizing_task", "ref": "Canvass launch"},
            headers=headers(client),
        )
    async with site.client() as client:
        await site.sign_in_as(client, newcomer)
        suggestions = (await client.get("/api/me/sponsor-suggestions")).json()
        page = await client.get("/vouches/ask")
        asked = await client.post("/vouches/ask", data={"member_ids": str(lead.id), "csrftoken": csrf(page)})
        again = await client.post(
            "/api/me/vouch-asks", json={"member_ids": [lead.id]}, headers=headers(client)
        )

    assert [s["member_id"] for s in suggestions] == [lead.id]
    assert unrelated.id not in {s["member_id"] for s in suggestions}
    assert set(suggestions[0]["evidence"]) == {"organizes North", "also took part in Canvass launch"}
    assert asked.status_code == 200 and "We emailed 1 person" in asked.text
    assert again.status_code == 409 and "already asked" in again.json()["detail"]
    [mail] = [m for m in site.outbox.messages() if "asks whether you would vouch" in m.subject]
    assert mail.to == "lead@example.org" and f"/members/{newcomer.id}/vouch" in mail.body


async def test_the_vouch_page_takes_a_vouch_or_says_why_not(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    newcomer = await site.member_with_journey("new@example.org")
    fresh = await site.member_with_journey("fresh@example.org")
    async with site.client() as client:
        await site.sign_in_as(client, lead)
        page = await client.get(f"/members/{newcomer.id}/vouch")
        empty = await client.post(f"/members/{newcomer.id}/vouch", data={"csrftoken": csrf(page)})
        done = await client.post(f"/members/{newcomer.id}/vouch", data={**BODY, "csrftoken": csrf(page)})
    async with site.client() as client:
        await site.sign_in_as(client, fresh)
        refused = await client.get(f"/members/{newcomer.id}/vouch")

    assert page.status_code == 200 and 'name="statement"' in page.text
    assert empty.status_code == 422 and 'aria-invalid="true"' in empty.text
    assert done.status_code == 200 and "your vouch is recorded" in done.text
    assert "Vouching needs the level" in refused.text and 'name="statement"' not in refused.text


async def test_only_levels_that_need_approval_can_be_approved_and_never_by_oneself(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    member = await site.member_with_journey("member@example.org")
    async with site.client() as client:
        await site.sign_in_as(client, lead)
        url = f"/api/members/{member.id}/trust/approval"
        unknown = await client.post(url, json={"level": "wizard"}, headers=headers(client))
        automatic = await client.post(url, json={"level": "member"}, headers=headers(client))
        approved = await client.post(url, json={"level": "steward"}, headers=headers(client))
        own = await client.post(
            f"/api/members/{lead.id}/trust/approval", json={"level": "steward"}, headers=headers(client)
        )

    assert unknown.status_code == 422 and "the levels are: newcomer" in unknown.json()["detail"][0]["msg"]
    assert automatic.status_code == 422 and "needs no approval" in automatic.json()["detail"][0]["msg"]
    assert approved.status_code == 201 and site.db.get(Member, member.id).approved_level == 4
    assert own.status_code == 409
