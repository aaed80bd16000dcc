"""Security headers on every response, and per-client rate limits on the routes anyone may call."""

from __future__ import annotations

from api.security import PublicRateLimits
from tests.api.conftest import Site


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
