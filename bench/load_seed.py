"""Members for `make bench-load`, made the way people make them: sign up over HTTP, open the welcome
email's sign-in link, confirm it, and complete a step or two of the journey through the API."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from api.outbox import Outbox

# Members who have done nothing yet, one step, and two: the pages then show each kind of step.
PROGRESS: tuple[tuple[tuple[str, dict[str, str]], ...], ...] = (
    (),
    (("code_of_conduct", {}),),
    (("code_of_conduct", {}), ("profile", {"display_name": "Load", "time_zone": "UTC", "skills": "python"})),
)
CSRF_FIELD = re.compile(r'name="csrftoken" value="([^"]+)"')
WELCOME_LINK = re.compile(r"(\S+/signin/verify\?token=\S+)")


def email(number: int) -> str:
    return f"load{number}@example.org"


async def seed(base_url: str, outbox: Outbox, members: int, signed_in: int) -> list[dict[str, Any]]:
    """Sign up `members` and sign in the first `signed_in`: for each, {"id": ..., "cookies": {...}}."""
    gate = asyncio.Semaphore(16)
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as anonymous:

        async def sign_up(number: int) -> int:
            async with gate:
                body = {"email": email(number), "display_name": f"Load {number}", "reminders": True}
                response = await anonymous.post("/api/members", json=body)
                if response.status_code != 201:
                    raise RuntimeError(f"signing up {email(number)}: {response.status_code} {response.text}")
                member_id: int = response.json()["id"]
                return member_id

        ids = await asyncio.gather(*(sign_up(n) for n in range(members)))
    links = await _welcome_links(outbox, {email(n) for n in range(signed_in)})

    async def sign_in(number: int) -> dict[str, Any]:
        async with gate:
            cookies = await _sign_in(base_url, links[email(number)], PROGRESS[number % len(PROGRESS)])
            return {"id": ids[number], "cookies": cookies}

    return list(await asyncio.gather(*(sign_in(n) for n in range(signed_in))))


async def _welcome_links(outbox: Outbox, wanted: set[str], within_seconds: float = 120.0) -> dict[str, str]:
    """The sign-in link from each member's welcome email, once the journeys have sent them."""
    deadline = time.monotonic() + within_seconds
    while True:
        links = {}
        for message in outbox.messages():
            found = WELCOME_LINK.search(message.body)
            if message.subject.startswith("Welcome") and found and message.to in wanted:
                links[message.to] = found.group(1)
        if len(links) == len(wanted):
            return links
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"only {len(links)} of {len(wanted)} welcome emails arrived in {within_seconds} s"
            )
        await asyncio.sleep(0.5)


async def _sign_in(base_url: str, link: str, steps: tuple[tuple[str, dict[str, str]], ...]) -> dict[str, str]:
    token = parse_qs(urlsplit(link).query)["token"][0]
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as browser:
        page = await browser.get("/signin/verify", params={"token": token})
        field = CSRF_FIELD.search(page.text)
        if page.status_code != 200 or field is None:
            raise RuntimeError(f"sign-in page: {page.status_code} {page.text[:200]}")
        confirmed = await browser.post("/signin/verify", data={"token": token, "csrftoken": field.group(1)})
        if confirmed.status_code != 303 or confirmed.headers.get("location") != "/journey":
            raise RuntimeError(f"sign-in: {confirmed.status_code} {confirmed.text[:200]}")
        csrf = {"x-csrftoken": browser.cookies["csrftoken"]}
        for step, form in steps:
            done = await browser.post(f"/api/me/journey/steps/{step}", json=form, headers=csrf)
            if done.status_code != 200:
                raise RuntimeError(f"completing {step}: {done.status_code} {done.text[:200]}")
        journey = await browser.get("/api/me/journey")
        finished = [s for s in (journey.json() or {}).get("steps", []) if s["status"] == "done"]
        if journey.status_code != 200 or len(finished) != len(steps):
            raise RuntimeError(f"journey after sign-in: {journey.status_code} {journey.text[:200]}")
        return dict(browser.cookies.items())
