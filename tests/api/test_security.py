"""Security headers on every response, and per-client rate limits on the routes anyone may call."""

from __future__ import annotations

import uuid

import pytest
from starlette.requests import Request

from api.security import PublicRateLimits, TooManyRequests
from domain.roles import Role
from tests.api.conftest import Site
from tests.factories import csrf


async def test_pages_and_api_carry_the_security_headers(site: Site) -> None:
    async with site.client() as client:
        page = await client.get("/signin")
        api = await client.get("/healthz")

    for response in (page, api):
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


async def test_sign_up_is_limited_per_client_with_the_time_to_wait(site: Site) -> None:
    site.app.state.rate_limits = PublicRateLimits("300/minute", "3/minute")  # the default shape, smaller
    async with site.client() as client:
        answers = [
            await client.post("/api/members", json={"email": f"n{n}@example.org", "display_name": f"N{n}"})
            for n in range(4)
        ]
        other_path = await client.post("/signin", data={"email": "n0@example.org"})

    assert [a.status_code for a in answers[:3]] == [201, 201, 201]
    assert answers[3].status_code == 429 and int(answers[3].headers["retry-after"]) >= 1
    assert "try again" in answers[3].json()["detail"]
    assert other_path.status_code != 429  # each write path has its own budget


async def test_ready_when_the_database_and_temporal_answer(site: Site) -> None:
    async with site.client() as client:
        ready = await client.get("/readyz")

    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


async def test_upload_forms_check_csrf_themselves_and_other_routes_refuse_multipart(
    site: Site,
) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    files = {"file": ("people.csv", b"email,name\nlin@example.org,Lin\n", "text/csv")}
    async with site.client() as browser:
        await site.sign_in_as(browser, lead)
        page = await browser.get("/transfer")
        forged = await browser.post("/transfer/members", files=files, data={"csrftoken": "not-the-token"})
        assert forged.status_code == 403
        missing = await browser.post("/api/import/members", files=files)
        assert missing.status_code == 403
        elsewhere = await browser.post("/signout", files=files, data={"csrftoken": csrf(page)})
        assert elsewhere.status_code == 415
        assert site.db.events(lead.id, "member.imported") == []


async def test_api_reads_go_round_the_csrf_check_and_api_writes_do_not(site: Site) -> None:
    ada = await site.member_with_journey("ada@example.org")
    async with site.client() as browser:
        await site.sign_in_as(browser, ada)
        token = browser.cookies["csrftoken"]
        browser.cookies.set("csrftoken", "tampered")  # what a cross-site page cannot read or set
        read = await browser.get("/api/me/journey")
        forged = await browser.post("/api/me/journey/steps/code_of_conduct", json={})
        browser.cookies.set("csrftoken", token)
        sent = await browser.post(
            "/api/me/journey/steps/code_of_conduct", json={}, headers={"x-csrftoken": token}
        )

    assert read.status_code == 200 and "set-cookie" not in read.headers, "a read has no token to refresh"
    assert forged.status_code == 403
    assert sent.status_code == 200


async def test_sign_in_starts_a_new_session_and_sign_out_ends_every_copy_of_it(site: Site) -> None:
    ada = await site.member_with_journey("ada@example.org")
    async with site.client() as browser, site.client() as thief:
        await browser.get("/signin")
        await site.sign_in_as(browser, ada)
        first = browser.cookies["perennial_session"]
        await site.sign_in_as(browser, ada)
        assert browser.cookies["perennial_session"] != first, "each sign-in issues a fresh session"
        thief.cookies.set("perennial_session", browser.cookies["perennial_session"])
        assert (await thief.get("/api/me/journey")).status_code == 200
        await browser.post("/signout", data={"csrftoken": browser.cookies["csrftoken"]})
        assert (await thief.get("/api/me/journey")).status_code == 401, "a copied cookie dies at sign-out"


def test_web_processes_sharing_a_redis_store_share_one_budget() -> None:
    """Two web processes (two limiters) and one client: with the shared store, the budget is counted once."""
    first = PublicRateLimits("300/minute", "3/minute", "redis://127.0.0.1:6379")
    second = PublicRateLimits("300/minute", "3/minute", "redis://127.0.0.1:6379")
    client = f"198.51.100.{uuid.uuid4().int % 250}-{uuid.uuid4().hex}"  # a key of its own in the store

    def signup() -> Request:
        scope = {"type": "http", "method": "POST", "path": "/signup", "headers": [], "client": (client, 1)}
        return Request(scope)

    first.check(signup())
    second.check(signup())
    first.check(signup())
    with pytest.raises(TooManyRequests):
        second.check(signup())
