"""Sign up over HTTP against the real dev server, worker and web processes."""

from __future__ import annotations

import asyncio
import re

import httpx

from models import Member
from tests.e2e.conftest import System
from tests.factories import csrf, eventually


async def sign_in_from_outbox(
    browser: httpx.AsyncClient, system: System, email: str, within: float = 15.0
) -> None:
    [welcome] = await eventually(lambda: system.outbox.to(email), timeout=within)
    link = re.search(r"http\S+/signin/verify\?token=\S+", welcome.body).group(0)  # type: ignore[union-attr]
    confirm = await browser.get(link)
    token = re.search(r'name="token" value="([^"]+)"', confirm.text).group(1)  # type: ignore[union-attr]
    assert (
        await browser.post("/signin/verify", data={"token": token, "csrftoken": csrf(confirm)})
    ).status_code == 303


async def test_signup_over_http_starts_a_workflow_whose_steps_show_on_the_page(system: System) -> None:
    async with httpx.AsyncClient(base_url=system.web_url, timeout=30) as browser:
        page = await browser.get("/signup")
        response = await browser.post(
            "/signup",
            data={
                "email": "e2e@example.org",
                "display_name": "E2E",
                "reminders": "on",
                "csrftoken": csrf(page),
            },
        )
        assert response.status_code == 201
        member_id = system.db.count(Member)
        description = await system.env.client.get_workflow_handle(
            system.settings.journey_id(member_id)
        ).describe()
        assert description.workflow_type == "MemberJourney"

        await sign_in_from_outbox(browser, system, "e2e@example.org")
        page = await browser.get("/journey")
        await browser.post("/journey/steps/code_of_conduct", data={"csrftoken": csrf(page)})
        page = await browser.get("/journey")
        profile = {
            "display_name": "E2E",
            "time_zone": "America/Chicago",
            "skills": "python",
            "csrftoken": csrf(page),
        }
        assert (await browser.post("/journey/steps/profile", data=profile)).status_code == 303
        page = await browser.get("/journey")

    token = re.search(r"token=(\S+)", system.outbox.to("e2e@example.org")[0].body).group(1)  # type: ignore[union-attr]
    logs = system.logs()
    assert "POST /journey/steps/profile" in logs  # the access log is there, and holds no personal data:
    assert "e2e@example.org" not in logs and "America/Chicago" not in logs and token not in logs
    done = re.findall(r'<span class="badge">Done</span>\s*<strong>([^<]+)', page.text)
    assert done == ["Sign up", "Accept the code of conduct", "Complete your profile"]
    assert 'id="step-pick_project" aria-current="step"' in page.text


async def test_a_worker_killed_mid_journey_loses_nothing_and_doubles_nothing(system: System) -> None:
    emails = [f"crowd{i}@example.org" for i in range(12)]
    async with httpx.AsyncClient(base_url=system.web_url, timeout=60) as client:
        signups = [client.post("/api/members", json={"email": e, "display_name": e[:6]}) for e in emails]
        responses = await asyncio.gather(*signups)
        assert [r.status_code for r in responses] == [201] * len(emails)
        system.kill("worker")  # while their signup and welcome activities are in flight

        first = responses[0].json()["id"]
        async with httpx.AsyncClient(base_url=system.web_url, timeout=60) as browser:
            await asyncio.sleep(0.5)
            system.start("worker")
            # A workflow task the killed worker held is retried only when its 10 s timeout ends, and the
            # new worker takes a few seconds to start: measured here, the welcome came 14.5 s after.
            await sign_in_from_outbox(browser, system, emails[0], within=45.0)
            page = await browser.get("/journey")
            system.kill("worker")
            # The update waits for a worker: the member's click is not lost while none runs.
            pending = asyncio.create_task(
                browser.post("/journey/steps/code_of_conduct", data={"csrftoken": csrf(page)})
            )
            await asyncio.sleep(1.0)
            assert not pending.done()
            system.start("worker")
            assert (await pending).status_code == 303

    ids = [r.json()["id"] for r in responses]
    for member_id in ids:
        kinds = [
            e.kind
            for e in await eventually(
                lambda m=member_id: len(system.db.events(m)) >= 2 and system.db.events(m)
            )
        ]
        assert kinds.count("member.signed_up") == 1, kinds
        assert kinds.count("mail.welcome_sent") == 1, kinds
    welcomes = [m for e in emails for m in system.outbox.to(e) if m.subject.startswith("Welcome")]
    # Mail is at-least-once: a worker killed between sending and recording sends again, with the same id.
    assert len({m.message_id for m in welcomes}) == len(emails)
    assert {m.to for m in welcomes} == set(emails)
    assert [p.step_id for p in system.db.progress(first)] == ["code_of_conduct"]


async def test_the_worker_creates_the_trust_recompute_schedule_once(system: System) -> None:
    schedule_id = f"{system.settings.workflow_id_prefix}trust-recompute"

    async def described() -> object:
        try:
            return await system.env.client.get_schedule_handle(schedule_id).describe()
        except Exception:
            return None

    for _ in range(100):
        if description := await described():
            break
        await asyncio.sleep(0.1)
    assert description is not None
    system.kill("worker")
    system.start("worker")  # a second start finds the schedule and leaves it alone
    await asyncio.sleep(2)
    assert system.processes["worker"].poll() is None
