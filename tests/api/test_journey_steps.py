"""The journey page's steps, cooked into HTML when the workflow publishes its view (api/journey_steps.py):
the page served from them is the page rendered whole, and a cooked copy from another release is not used."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import httpx
from jinja2 import DictLoader, Environment

from api.admin import recook_journey_steps
from api.html import html_environment
from api.journey_steps import FORM_SLOT, FormStep, JourneySteps
from domain.journey import JourneyView, Status, StepView
from domain.policy import StepKind
from models import JourneyViewRecord
from tests.api.conftest import Site
from tests.factories import eventually

AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def _cooked(site: Site, member_id: int) -> str | None:
    with site.db.sessions() as session:
        record = session.get(JourneyViewRecord, member_id)
        return record.html if record is not None else None


def _set_cooked(site: Site, member_id: int, html: str | None) -> None:
    with site.db.sessions.begin() as session:
        record = session.get(JourneyViewRecord, member_id)
        assert record is not None
        record.html = html


async def _page_when(browser: httpx.AsyncClient, ready: Callable[[str], bool]) -> str:
    """On PostgreSQL the web keeps member reads until the database's notice of a change lands."""
    for _ in range(100):
        page = await browser.get("/journey")
        assert page.status_code == 200
        if ready(page.text):
            return page.text
        await asyncio.sleep(0.05)
    raise AssertionError("the page never showed the change")


async def test_at_every_step_the_page_from_cooked_steps_is_the_page_rendered_whole(site: Site) -> None:
    project = site.db.project("canvass-map")
    member = await site.member_with_journey("cooked@example.org")
    answers = {
        "code_of_conduct": {},
        "profile": {"display_name": "Cooked", "time_zone": "UTC", "skills": "go"},
        "pick_project": {"project_id": str(project.id)},
    }
    async with site.client() as browser:
        await site.sign_in_as(browser, member)
        for step in (*answers, "meet_organizer"):
            cooked = await _page_when(
                browser, lambda text, s=step: f'id="step-{s}" aria-current="step"' in text
            )
            stored = _cooked(site, member.id)
            assert stored is not None and stored.startswith("<!--journey-steps ")
            assert FORM_SLOT in stored or step == "meet_organizer", "an approval step has no form"
            _set_cooked(site, member.id, None)
            site.app.state.journey_reads.forget(member.id)  # PostgreSQL's reads would keep it until notified
            whole = (await browser.get("/journey")).text
            assert whole == cooked, f"the pages differ when {step} is next"
            if step in answers:
                data = {**answers[step], "csrftoken": browser.cookies["csrftoken"]}
                done = await browser.post(f"/journey/steps/{step}", data=data)
                assert done.status_code == 303, done.text


async def test_a_cooked_copy_is_served_only_when_this_release_made_it(site: Site) -> None:
    member = await site.member_with_journey("release@example.org")
    async with site.client() as browser:
        await site.sign_in_as(browser, member)
        await _page_when(browser, lambda text: "aria-current" in text)
        stored = _cooked(site, member.id)
        assert stored is not None
        stamp = stored[: stored.index("-->") + 3]

        _set_cooked(site, member.id, f"{stamp}null\n<p>cooked by this release</p>")
        site.app.state.journey_reads.forget(member.id)
        ours = (await browser.get("/journey")).text
        _set_cooked(site, member.id, "<!--journey-steps 0123456789abcdef--><p>cooked by another release</p>")
        site.app.state.journey_reads.forget(member.id)
        theirs = (await browser.get("/journey")).text

    assert "<p>cooked by this release</p>" in ours and 'id="step-code_of_conduct"' not in ours
    assert "another release" not in theirs and 'id="step-code_of_conduct" aria-current="step"' in theirs


async def test_migrate_cooks_again_the_steps_another_release_cooked_or_none_did(site: Site) -> None:
    older = await site.member_with_journey("older@example.org")
    elsewhere = await site.member_with_journey("elsewhere@example.org")
    ours = await eventually(lambda: _cooked(site, older.id))
    await eventually(lambda: _cooked(site, elsewhere.id))
    _set_cooked(site, older.id, None)  # published before migration 0019
    _set_cooked(site, elsewhere.id, "<!--journey-steps 0123456789abcdef--><ol>old markup</ol>")

    assert recook_journey_steps(site.settings, batch=1) == 2
    assert _cooked(site, older.id) == ours
    assert JourneySteps(html_environment()).made(_cooked(site, elsewhere.id))
    assert recook_journey_steps(site.settings) == 0, "what this release cooked is left alone"


def _view(title: str) -> JourneyView:
    step = StepView(
        "code_of_conduct", title, "Read it.", ("https://example.org/coc",), StepKind.SELF_ATTESTED,
        "next", None, AT, "You confirm it yourself.",
    )  # fmt: skip
    return JourneyView(
        7, Status.ACTIVE, AT, AT, (step, replace(step, id="later", status="upcoming")), step.id, AT
    )


def test_cooking_escapes_what_the_view_says_and_leaves_one_slot_for_the_form() -> None:
    steps = JourneySteps(html_environment())
    cooked = steps.cook(_view('<script>alert("hi")</script>'))
    served = steps.serve(cooked)

    assert served is not None
    html = served.head + served.tail  # what reaches the page; the stored header line never does
    assert "<script>" not in html and "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt;" in html
    assert cooked.count(FORM_SLOT) == 1
    assert "Mon 02 Nov 2026, 09:30 UTC" in html  # the pages' own date format


def test_the_cooked_copy_carries_the_next_step_so_the_page_need_not_parse_the_view() -> None:
    steps = JourneySteps(html_environment())
    title = 'Line one\nline two, "quoted" --> <b>'
    served = steps.serve(steps.cook(_view(title)))
    done = steps.serve(steps.cook(replace(_view("Read the code"), next_step_id=None)))

    assert served is not None
    assert served.next_step == FormStep("code_of_conduct", title, StepKind.SELF_ATTESTED)
    assert "Line one\nline two, &#34;quoted&#34; --&gt; &lt;b&gt;" in served.head
    assert done is not None and done.next_step is None


def test_a_change_to_the_steps_template_changes_the_stamp() -> None:
    def steps(source: str) -> JourneySteps:
        return JourneySteps(Environment(loader=DictLoader({"journey/_steps.html": source}), autoescape=True))

    cooked = steps("<ol>{{ form_slot }}</ol>").cook(_view("Read the code"))

    assert steps("<ol>{{ form_slot }}</ol>").serve(cooked) is not None
    assert steps('<ol class="steps">{{ form_slot }}</ol>').serve(cooked) is None
    assert JourneySteps(html_environment()).serve(None) is None
