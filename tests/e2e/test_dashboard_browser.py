"""The funder dashboard in headless Chromium through a share link: the charts draw from the app's own
copy of the charting library (no network), and a screenshot is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeSerializer
from playwright.async_api import Browser, expect

from domain import sign_in
from domain.roles import Role
from models import Event, ShareLink
from tests.e2e.conftest import System
from tests.e2e.test_browser import SCREENSHOTS

pytestmark = pytest.mark.e2e


async def test_the_shared_funder_dashboard_draws_its_charts_offline(system: System, browser: Browser) -> None:
    organizer = system.db.member("lead@example.org")
    start = datetime(2022, 2, 1, tzinfo=UTC)
    with system.db.sessions.begin() as s:
        for n in range(12):
            person = system.db.member(f"v{n}@example.org")
            for months in range(0, 2 + n % 5 * 4):
                s.add(
                    Event(
                        at=start + timedelta(days=30 * months + n),
                        kind="contribution.commit",
                        subject_type="member",
                        subject_id=person.id,
                        payload={},
                    )
                )
        link = ShareLink(
            label="e2e",
            created_by_id=organizer.id,
            created_at=datetime.now(UTC),
            expires_at=datetime.now(UTC) + timedelta(days=1),
        )
        s.add(link)
        s.flush()
        token = URLSafeSerializer(system.settings.secret_key, salt="dashboard-share").dumps(link.id)
    page = await browser.new_page(viewport={"width": 1200, "height": 900})
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(system.web_url) else None)

    await page.goto(f"{system.web_url}/shared/{token}")

    await expect(page.get_by_role("heading", name="Does the community last?")).to_be_visible()
    await expect(page.locator("#cohort-chart .main-svg").first).to_be_visible()
    await expect(page.locator("#survival-chart .main-svg").first).to_be_visible()
    await expect(page.locator("#activity-chart .main-svg").first).to_be_visible()
    await expect(page.get_by_role("button", name="Download SVG").first).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / "funder-dashboard.png"), full_page=True)
    assert (SCREENSHOTS / "funder-dashboard.png").stat().st_size > 20_000
    assert [u for u in outside if not u.startswith("data:")] == []  # nothing fetched from elsewhere


async def test_an_organizer_sees_the_reach_out_list_and_cohort_people(
    system: System, browser: Browser
) -> None:
    lead = system.db.member("lead@example.org", role=Role.ORGANIZER, name="Lead")
    start = datetime(2023, 3, 1, tzinfo=UTC)
    with system.db.sessions.begin() as s:
        for n in range(8):
            person = system.db.member(f"p{n}@example.org", name=f"Person {n}")
            s.add(
                Event(
                    at=start + timedelta(days=n),
                    kind="contribution.commit",
                    subject_type="member",
                    subject_id=person.id,
                    payload={},
                )
            )
    token = sign_in.issue_token(system.settings.secret_key, sign_in.SignInClaim(lead.id, lead.sign_in_nonce))
    page = await browser.new_page(viewport={"width": 1200, "height": 900})

    await page.goto(f"{system.web_url}/signin/verify?token={token}")
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/journey")
    await page.goto(f"{system.web_url}/dashboards/organizer")
    await page.get_by_text("2023-03: 8 people").click()

    await expect(page.get_by_role("link", name="Person 0")).to_be_visible()
    await expect(page.get_by_role("heading", name="Reach out")).to_be_visible()
    await page.screenshot(path=str(SCREENSHOTS / "organizer-dashboard.png"), full_page=True)
    assert (SCREENSHOTS / "organizer-dashboard.png").stat().st_size > 10_000
