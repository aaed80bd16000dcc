"""API tokens: made once and shown once, kept as a hash, limited to their scopes and their owner's role."""

from __future__ import annotations

import hashlib
import re

import httpx
from sqlalchemy import select

from domain.api_tokens import Scope
from domain.roles import Role
from models import ApiToken, ContributorSpan, Event, Member
from tests.api.conftest import Site
from tests.api.test_access import EXPECTED_ACCESS, EXPECTED_SCOPES, call, declared_access, routes
from tests.factories import csrf


async def make_token(site: Site, owner: Member, *scopes: Scope, days: int | None = 30) -> str:
    async with site.client() as client:
        await site.sign_in_as(client, owner)
        page = await client.get("/tokens")
        form = {"name": "Mobilize sync", "scopes": [s.value for s in scopes], "csrftoken": csrf(page)}
        form["days"] = str(days) if days else ""
        response = await client.post("/tokens", data=form)
        assert response.status_code == 201, response.text
        shown = re.search(r'<code id="new-token">([^<]+)</code>', response.text)
        assert shown, "the new token is shown once on the page"
        again = await client.get("/tokens")
        assert shown.group(1) not in again.text
        return shown.group(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_is_stored_only_as_its_hash_and_reads_members_with_its_scope(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    other = await site.member_with_journey("other@example.org")
    token = await make_token(site, lead, Scope.READ_MEMBERS)

    with site.db.sessions() as s:
        [stored] = s.scalars(select(ApiToken)).all()
        audit = s.scalars(select(Event).where(Event.kind == "token.created")).all()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(stored.__dict__) and token.startswith(stored.prefix)
    assert audit and all(token not in repr(e.payload) for e in audit)

    async with site.client() as integration:
        listed = await integration.get("/api/members", headers=bearer(token))
        assert listed.status_code == 200
        assert {m["email"] for m in listed.json()} >= {"other@example.org"}
        detail = await integration.get(f"/api/members/{other.id}", headers=bearer(token))
        assert detail.status_code == 200
        refused = await integration.post(
            "/api/contributions", json={"email": other.email, "kind": "canvass_shift"}, headers=bearer(token)
        )
        assert refused.status_code == 403 and "events:write" in refused.json()["detail"]
        not_for_tokens = await integration.get("/api/dashboards/organizer", headers=bearer(token))
        assert not_for_tokens.status_code == 403 and "sign in" in not_for_tokens.json()["detail"]
    assert site.db.get(ApiToken, stored.id).last_used_at is not None


async def test_an_integration_posts_contributions_by_email_once_each_and_they_count(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    volunteer = await site.member_with_journey("canvasser@example.org")
    token = await make_token(site, lead, Scope.WRITE_EVENTS)
    async with site.client() as browser:
        await site.sign_in_as(browser, lead)
        assert (await browser.get("/api/dashboards/funder")).status_code == 200  # the rollups now exist
    shift = {
        "email": "Canvasser@Example.org",
        "kind": "canvass_shift",
        "ref": "Saturday canvass, Ward 4",
        "external_id": "mobilize-shift-88121",
    }
    async with site.client() as integration:
        posted = await integration.post("/api/contributions", json=shift, headers=bearer(token))
        assert posted.status_code == 201, posted.text
        resent = await integration.post("/api/contributions", json=shift, headers=bearer(token))
        assert resent.status_code == 409
        stranger = await integration.post(
            "/api/contributions", json={**shift, "email": "nobody@example.org"}, headers=bearer(token)
        )
        assert stranger.status_code == 422
        assert stranger.json()["detail"][0]["loc"] == ["body", "email"]

    [recorded] = site.db.events(volunteer.id, "contribution.canvass_shift")
    assert recorded.payload == {"recorded_by": lead.id, "ref": "Saturday canvass, Ward 4"}
    with site.db.sessions() as s:
        span = s.get_one(ContributorSpan, f"member-{volunteer.id}")
    assert span.contributions == 1


async def test_revoked_expired_and_mistyped_tokens_are_refused_with_the_reason(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    token = await make_token(site, lead, Scope.READ_MEMBERS)
    async with site.client() as client:
        await site.sign_in_as(client, lead)
        [made] = (await client.get("/api/tokens")).json()
        revoked = await client.post(
            f"/api/tokens/{made['id']}/revoke", headers={"x-csrftoken": client.cookies["csrftoken"]}
        )
        assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    async with site.client() as integration:
        answer = await integration.get("/api/members", headers=bearer(token))
        assert answer.status_code == 401 and "revoked" in answer.json()["detail"]
        assert answer.headers["www-authenticate"].startswith("Bearer")
        mistyped = await integration.get("/api/members", headers=bearer(token[:-2]))
        assert mistyped.status_code == 401 and "copied whole" in mistyped.json()["detail"]

    expiring = await make_token(site, lead, Scope.READ_MEMBERS, days=1)
    with site.db.sessions.begin() as s:
        row = s.scalars(select(ApiToken).where(ApiToken.revoked_at.is_(None))).one()
        row.expires_at = row.created_at
    async with site.client() as integration:
        answer = await integration.get("/api/members", headers=bearer(expiring))
        assert answer.status_code == 401 and "expired" in answer.json()["detail"]


async def test_a_token_acts_with_its_owners_current_role_and_never_falls_back_to_a_cookie(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    token = await make_token(site, lead, Scope.READ_MEMBERS)
    async with site.client() as browser:
        await site.sign_in_as(browser, lead)
        mixed = await browser.get("/api/members", headers=bearer("pnl_" + "x" * 40))
        assert mixed.status_code == 401, "a bad token is refused even alongside a good session"
    with site.db.sessions.begin() as s:
        s.get(Member, lead.id).role = Role.MEMBER  # type: ignore[union-attr]
    async with site.client() as integration:
        assert (await integration.get("/api/members", headers=bearer(token))).status_code == 403


async def test_members_cannot_make_tokens(site: Site) -> None:
    member = await site.member_with_journey("member@example.org")
    async with site.client() as client:
        await site.sign_in_as(client, member)
        answer = await client.post(
            "/api/tokens",
            json={"name": "mine", "scopes": ["members:read"]},
            headers={"x-csrftoken": client.cookies["csrftoken"]},
        )
        assert answer.status_code == 403


async def test_an_all_scopes_token_reaches_exactly_the_scoped_routes(site: Site) -> None:
    admin = await site.member_with_journey("admin@example.org", role=Role.ADMIN)
    target = await site.member_with_journey("target@example.org")
    token = await make_token(site, admin, *Scope)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=site.app), base_url="http://t") as client:
        client.headers.update(bearer(token))
        for route in routes(site):
            key = (sorted(route.methods)[0], route.path)
            response = await call(client, route, target.id)
            where = f"{key} with a token"
            assert response.status_code < 500, where
            if key in EXPECTED_SCOPES:
                assert response.status_code not in (401, 403), where
            elif declared_access(route)[0] not in ("public", "scraper"):
                assert response.status_code == 403, where
    assert len(EXPECTED_ACCESS) > len(EXPECTED_SCOPES)
