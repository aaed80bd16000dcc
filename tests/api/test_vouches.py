from __future__ import annotations

from activities.contracts import RecomputeTrust
from activities.trust import TrustStore
from domain.roles import Role
from models import Vouch
from models.base import utcnow
from tests.api.conftest import Site

BODY = {"statement": "We built the volunteer scheduler together.", "relation": "worked-together"}


async def test_an_organizer_vouches_from_day_one_and_a_new_member_is_told_why_they_cannot(site: Site) -> None:
    north, south = site.db.chapter("North"), site.db.chapter("South")
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER, chapter_id=north.id)
    other_lead = await site.member_with_journey("lead2@example.org", role=Role.ORGANIZER, chapter_id=south.id)
    newcomer = await site.member_with_journey("new@example.org")
    fresh = await site.member_with_journey("fresh@example.org")

    outcomes = []
    for voucher in (lead, other_lead):
        async with site.client() as client:
            await site.sign_in_as(client, voucher)
            headers = {"x-csrftoken": client.cookies["csrftoken"]}
            outcomes.append(
                await client.post(f"/api/members/{newcomer.id}/vouches", json=BODY, headers=headers)
            )
    async with site.client() as client:
        await site.sign_in_as(client, fresh)
        headers = {"x-csrftoken": client.cookies["csrftoken"]}
        refused = await client.post(f"/api/members/{newcomer.id}/vouches", json=BODY, headers=headers)
        malformed = await client.post(
            f"/api/members/{newcomer.id}/vouches",
            headers=headers,
            json={"statement": "x", "relation": "best-friends"},
        )
        missing = await client.post("/api/members/9999/vouches", json=BODY, headers=headers)

    assert [o.status_code for o in outcomes] == [201, 201]
    assert outcomes[1].json() == {"vouches": 2, "enough": True}
    assert refused.status_code == 409
    assert "Vouching needs the level 'member'; you are 'newcomer'" in refused.json()["detail"]
    assert malformed.status_code == 422 and malformed.json()["detail"][0]["loc"][-1] == "relation"
    assert missing.status_code == 404
    assert site.db.count(Vouch) == 2


async def test_vouching_twice_for_the_same_member_is_refused(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    newcomer = await site.member_with_journey("new@example.org")
    async with site.client() as client:
        await site.sign_in_as(client, lead)
        headers = {"x-csrftoken": client.cookies["csrftoken"]}
        first = await client.post(f"/api/members/{newcomer.id}/vouches", json=BODY, headers=headers)
        second = await client.post(f"/api/members/{newcomer.id}/vouches", json=BODY, headers=headers)
        self_vouch = await client.post(f"/api/members/{lead.id}/vouches", json=BODY, headers=headers)

    assert (first.status_code, second.status_code, self_vouch.status_code) == (201, 409, 409)
    assert "already vouched" in second.json()["detail"]
    assert "cannot vouch for yourself" in self_vouch.json()["detail"]


async def test_after_a_recompute_the_member_sees_their_level_why_and_who_vouched(site: Site) -> None:
    north, south = site.db.chapter("North"), site.db.chapter("South")
    leads = [
        await site.member_with_journey(f"lead{i}@example.org", role=Role.ORGANIZER, chapter_id=c.id)
        for i, c in enumerate((north, south))
    ]
    newcomer = await site.member_with_journey("new@example.org")
    for lead in leads:
        async with site.client() as client:
            await site.sign_in_as(client, lead)
            await client.post(
                f"/api/members/{newcomer.id}/vouches",
                json=BODY,
                headers={"x-csrftoken": client.cookies["csrftoken"]},
            )
    async with site.client() as client:
        await site.sign_in_as(client, newcomer)
        before = (await client.get("/api/me/trust")).json()
        TrustStore(site.db.sessions, site.settings.policy).recompute_trust(RecomputeTrust("run-1", utcnow()))
        after = (await client.get("/api/me/trust")).json()
        page = await client.get("/trust")

    assert (before["level"], before["reason"], len(before["vouches"])) == ("newcomer", None, 2)
    assert (after["level"], after["reason"]) == ("member", "Promoted to member.")
    assert after["checklist"]["next_level"] == "contributor"
    assert (
        "Your trust level: member" in page.text
        and "lead0" in page.text
        and "We built the volunteer" in page.text
    )


async def test_a_voucher_revokes_their_vouch_and_only_their_own(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    newcomer = await site.member_with_journey("new@example.org")
    bystander = await site.member_with_journey("by@example.org")
    async with site.client() as client:
        await site.sign_in_as(client, lead)
        headers = {"x-csrftoken": client.cookies["csrftoken"]}
        await client.post(f"/api/members/{newcomer.id}/vouches", json=BODY, headers=headers)
        revoked = await client.post(f"/api/members/{newcomer.id}/vouches/revoke", headers=headers)
        again = await client.post(f"/api/members/{newcomer.id}/vouches/revoke", headers=headers)
    async with site.client() as client:
        await site.sign_in_as(client, bystander)
        not_theirs = await client.post(
            f"/api/members/{newcomer.id}/vouches/revoke", headers={"x-csrftoken": client.cookies["csrftoken"]}
        )

    assert revoked.status_code == 200 and revoked.json() == {"vouches": 0, "enough": False}
    assert again.status_code == 409 and "no vouch for this member" in again.json()["detail"]
    assert not_theirs.status_code == 409
    with site.db.session() as s:
        [vouch] = s.query(Vouch).all()
    assert vouch.revoked_at is not None
    assert [e.kind for e in site.db.events(newcomer.id) if e.kind.startswith("vouch.")] == [
        "vouch.given",
        "vouch.revoked",
    ]
