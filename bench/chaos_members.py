"""Members as an HTTP client drives them through `perennial web`: sign up, sign in from the emailed
link, complete the playbook's steps, and an organizer's approval. A call that fails on a fault is
tried again the way a patient person would, and the tally says how often that happened and why."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from http.cookies import SimpleCookie
from typing import Any

import httpx

from bench.chaos_mail import MailIndex
from domain.policy import Step, StepKind

CSRF_FIELD = re.compile(r'name="csrftoken" value="([^"]+)"')
RETRY_FOR_SECONDS = 600.0
# A patient person asks for a fresh link only when none came in four minutes; asking sooner while the
# workers are backed up only adds signals to their queue.
LINK_WAIT_SECONDS = 240.0


class DriverError(RuntimeError):
    pass


@dataclass
class Person:
    email: str
    name: str
    member_id: int | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    used_tokens: set[str] = field(default_factory=set)
    steps_done: list[str] = field(default_factory=list)


@dataclass
class Tally:
    requests: Counter[str] = field(default_factory=Counter)  # per web process
    retries: Counter[str] = field(default_factory=Counter)  # per reason
    answers_lost: int = 0  # a retry was refused as "already complete": the first try had landed
    links_requested: int = 0


def _no_cookie_jar() -> CookieJar:
    # Each person keeps their own cookies; the shared client must neither store nor send any.
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


class Driver:
    def __init__(
        self,
        base_urls: list[str],
        mail: MailIndex,
        lookup_id: Callable[[str], int | None],
        concurrency: int = 48,
    ) -> None:
        self.tally = Tally()
        self._urls = base_urls
        self._clients = [
            httpx.AsyncClient(base_url=url, timeout=180, cookies=_no_cookie_jar()) for url in base_urls
        ]
        self._turn = itertools.count()
        self._gate = asyncio.Semaphore(concurrency)
        self._mail = mail
        self._lookup_id = lookup_id

    async def close(self) -> None:
        for client in self._clients:
            await client.aclose()

    async def sign_up(self, person: Person) -> int:
        body = {"email": person.email, "display_name": person.name, "reminders": True}
        response = await self._call(person, "POST", "/api/members", json=body, accept={201, 409})
        if response.status_code == 201:
            person.member_id = int(response.json()["id"])
        else:  # an earlier try created the member and only its answer was lost
            person.member_id = self._lookup_id(person.email)
            if person.member_id is None:
                raise DriverError(f"sign-up of {person.email} refused: {response.text[:200]}")
            self.tally.answers_lost += 1
        return person.member_id

    async def sign_in(self, person: Person, *, ask_now: bool = False) -> None:
        """Sign in with the newest unused link from the outbox, asking for another when it fails."""
        deadline = time.monotonic() + RETRY_FOR_SECONDS
        asked_at = 0.0 if ask_now else time.monotonic()
        while time.monotonic() < deadline:
            self._mail.refresh()
            fresh = [t for t in self._mail.tokens_for(person.email) if t not in person.used_tokens]
            if not fresh:
                if time.monotonic() - asked_at > LINK_WAIT_SECONDS:
                    await self._call(person, "POST", "/api/session/link", json={"email": person.email})
                    self.tally.links_requested += 1
                    asked_at = time.monotonic()
                await asyncio.sleep(0.5)
                continue
            token = fresh[-1]
            person.used_tokens.add(token)
            page = await self._call(person, "GET", f"/signin/verify?token={token}")
            match = CSRF_FIELD.search(page.text)
            if match is None:
                raise DriverError("the sign-in page has no CSRF field")
            form = {"token": token, "csrftoken": match.group(1)}
            answer = await self._call(person, "POST", "/signin/verify", data=form, accept={303, 400})
            if answer.status_code == 303 and "perennial_session" in person.cookies:
                return
            self.tally.retries["sign-in link refused"] += 1
            asked_at = 0.0  # the link was used up by a try whose answer was lost: ask for a new one
        raise DriverError(f"{person.email} could not sign in within {RETRY_FOR_SECONDS:.0f}s")

    async def complete_step(self, person: Person, step_id: str, form: dict[str, Any]) -> None:
        await self._step(person, f"/api/me/journey/steps/{step_id}", form)
        person.steps_done.append(step_id)

    async def approve(self, organizer: Person, member: Person, step_id: str) -> None:
        await self._step(organizer, f"/api/members/{member.member_id}/steps/{step_id}", None)
        member.steps_done.append(step_id)

    async def _step(self, person: Person, path: str, body: dict[str, Any] | None) -> None:
        response = await self._call(person, "POST", path, json=body or {}, accept={200, 409})
        if response.status_code == 409:
            if "already complete" not in response.text:
                raise DriverError(f"{path} refused: {response.text[:300]}")
            self.tally.answers_lost += 1

    async def _call(
        self,
        person: Person,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        data: dict[str, str] | None = None,
        accept: set[int] | None = None,
    ) -> httpx.Response:
        accept = accept or {200, 202}
        deadline = time.monotonic() + RETRY_FOR_SECONDS
        delay = 0.5
        while True:
            index = next(self._turn) % len(self._clients)
            headers = self._headers(person)
            try:
                async with self._gate:
                    response = await self._clients[index].request(
                        method, path, json=json if data is None else None, data=data, headers=headers
                    )
            except httpx.HTTPError as exc:
                reason = type(exc).__name__
            else:
                self.tally.requests[self._urls[index]] += 1
                _remember_cookies(person, response)
                if response.status_code in accept:
                    return response
                if response.status_code < 500 and response.status_code != 429:
                    raise DriverError(f"{method} {path}: {response.status_code} {response.text[:300]}")
                reason = f"HTTP {response.status_code}"
            self.tally.retries[reason] += 1
            if time.monotonic() > deadline:
                raise DriverError(f"{method} {path} kept failing ({reason}) for {RETRY_FOR_SECONDS:.0f}s")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    @staticmethod
    def _headers(person: Person) -> dict[str, str]:
        if not person.cookies:
            return {}
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in person.cookies.items())}
        if "csrftoken" in person.cookies:
            headers["x-csrftoken"] = person.cookies["csrftoken"]
        return headers


def _remember_cookies(person: Person, response: httpx.Response) -> None:
    for header in response.headers.get_list("set-cookie"):
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or "1970" in morsel["expires"] or not morsel.value:
                person.cookies.pop(name, None)
            else:
                person.cookies[name] = morsel.value


async def walk(
    driver: Driver,
    person: Person,
    organizer: Person,
    steps: list[Step],
    project_id: int,
    think: Callable[[], float],
    *,
    imported: bool = False,
) -> None:
    """Sign in, then each playbook step in order with a pause to think before it; an organizer approves
    the steps that need one. An imported member got no welcome email: they ask for a link first."""
    await driver.sign_in(person, ask_now=imported)
    values = {"display_name": person.name, "time_zone": "America/Chicago", "skills": "python, outreach"}
    values["project_id"] = str(project_id)
    for step in steps:
        await asyncio.sleep(think())
        if step.kind is StepKind.APPROVAL:
            await driver.approve(organizer, person, step.id)
        else:
            await driver.complete_step(person, step.id, {f.value: values[f.value] for f in step.form})
