"""The journey's read side: the workflow publishes its view to journey_views, and the member's status API
and journey page serve it from there, with the workflow's own answer as the fallback."""

from __future__ import annotations

import asyncio
import json

import httpx
import sqlalchemy as sa
from prometheus_client import REGISTRY
from pydantic import TypeAdapter

from api.journey_reads import SqliteJourneyReads
from api.services import journeys
from domain.journey import JourneyView
from domain.roles import Role
from domain.vouching import Suspension
from models import JourneyViewRecord, Member
from tests.api.conftest import Site
from tests.factories import csrf

ANSWER = TypeAdapter(JourneyView | None)


def _reads(source: str) -> float:
    return REGISTRY.get_sample_value("perennial_member_reads_total", {"source": source}) or 0.0


async def _workflow_answer(site: Site, member_id: int) -> object:
    """What the route answered before the read side: the workflow's query, serialized by FastAPI's rules."""
    view = await journeys.view(site.env.client, site.settings, member_id)
    return json.loads(ANSWER.dump_json(view))


def _published(site: Site, member_id: int) -> JourneyViewRecord | None:
    with site.db.sessions() as session:
        return session.get(JourneyViewRecord, member_id)


async def _settled(site: Site, member_id: int) -> None:
    """Signals (a sign-in touches the journey) are published a moment later, not before anyone answers."""

    async def same() -> bool:
        record = _published(site, member_id)
        return record is not None and json.loads(record.body) == await _workflow_answer(site, member_id)

    for _ in range(100):
        if await same():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the published view never caught up with the workflow")


async def test_the_status_api_serves_the_published_view_which_equals_the_workflows_answer(site: Site) -> None:
    member = await site.member_with_journey("reader@example.org")
    async with site.client() as browser:
        await site.sign_in_as(browser, member)
        await _settled(site, member.id)
        served = await browser.get("/api/me/journey")

    assert served.status_code == 200
    assert served.headers["content-type"] == "application/json"
    assert served.json() == await _workflow_answer(site, member.id)
    record = _published(site, member.id)
    assert record is not None and json.loads(record.body) == served.json()


async def test_a_completed_step_shows_on_the_very_next_read(site: Site) -> None:
    """The update answers only once the view is published: a reload right after shows the step done."""
    member = await site.member_with_journey("quick@example.org")
    async with site.client() as browser:
        await site.sign_in_as(browser, member)
        page = await browser.get("/journey")
        await browser.post("/journey/steps/code_of_conduct", data={"csrftoken": csrf(page)})
        after = await browser.get("/api/me/journey")
        page = await browser.get("/journey")

    steps = {s["id"]: s["status"] for s in after.json()["steps"]}
    assert steps["code_of_conduct"] == "done" and after.json()["next_step_id"] == "profile"
    assert 'id="step-profile" aria-current="step"' in page.text
    assert after.json() == await _workflow_answer(site, member.id)


async def test_a_suspension_shows_on_the_members_next_read(site: Site) -> None:
    member = await site.member_with_journey("paused@example.org")
    organizer = await site.member_with_journey("organizer@example.org", role=Role.ORGANIZER)
    await journeys.suspend(
        site.env.client, site.settings, member.id, Suspension(organizer.id, "Spam in the chat.", 1)
    )
    async with site.client() as browser:
        await site.sign_in_as(browser, member)
        status = await browser.get("/api/me/journey")

    assert status.json()["status"] == "suspended"


async def test_the_page_prefills_the_profile_form_and_lists_projects_from_the_read_side(site: Site) -> None:
    site.db.project("canvass-map")
    member = await site.member_with_journey("prefill@example.org")
    with site.db.sessions.begin() as session:
        stored = session.get(Member, member.id)
        assert stored is not None
        stored.time_zone, stored.skills = "America/Chicago", ["python", "sql"]
    async with site.client() as browser:
        await site.sign_in_as(browser, member)
        page = await browser.get("/journey")
        await browser.post("/journey/steps/code_of_conduct", data={"csrftoken": csrf(page)})
        profile_step = (await browser.get("/journey")).text
        fields = {"display_name": "Prefill", "time_zone": "UTC", "skills": "go", "csrftoken": csrf(page)}
        await browser.post("/journey/steps/profile", data=fields)
        project_step = (await browser.get("/journey")).text

    assert 'value="America/Chicago"' in profile_step and 'value="python, sql"' in profile_step
    assert ">canvass-map</option>" in project_step


async def test_without_a_published_view_the_workflow_answers(site: Site) -> None:
    """A journey started before the read side existed has no row until it continues as new."""
    member = await site.member_with_journey("older@example.org")
    async with site.client() as browser:
        await site.sign_in_as(browser, member)
        await _settled(site, member.id)  # nothing left to publish
        with site.db.sessions.begin() as session:
            session.execute(sa.delete(JourneyViewRecord).where(JourneyViewRecord.member_id == member.id))
        asked = _reads("workflow")
        served = await browser.get("/api/me/journey")
        page = await browser.get("/journey")
        assert _reads("workflow") == asked + 2

    assert served.status_code == 200 and served.json() == await _workflow_answer(site, member.id)
    assert "Your journey, older" in page.text
    assert _published(site, member.id) is None


async def test_when_the_fast_read_fails_the_orm_path_answers_the_same(site: Site) -> None:
    member = await site.member_with_journey("fallback@example.org")
    async with site.client() as browser:
        await site.sign_in_as(browser, member)
        await _settled(site, member.id)
        expected = (await browser.get("/api/me/journey")).json()
        site.app.state.journey_reads = SqliteJourneyReads(
            "/nonexistent/perennial.db"
        )  # cannot open: falls back
        fell_back = _reads("orm")
        served = await browser.get("/api/me/journey")
        page = await browser.get("/journey")
        assert _reads("orm") == fell_back + 2

    assert served.status_code == 200 and served.json() == expected
    assert page.status_code == 200 and "Your journey, fallback" in page.text


async def test_a_signed_out_session_is_refused_on_the_fast_path(site: Site) -> None:
    member = await site.member_with_journey("copied@example.org")
    async with site.client() as browser:
        await site.sign_in_as(browser, member)
        copied = dict(browser.cookies)
        await browser.post("/signout", data={"csrftoken": browser.cookies["csrftoken"]})
    async with site.client() as thief:
        thief.cookies = httpx.Cookies(copied)
        status = await thief.get("/api/me/journey")
        page = await thief.get("/journey")

    assert status.status_code == 401
    assert page.status_code == 303 and page.headers["location"] == "/signin"
