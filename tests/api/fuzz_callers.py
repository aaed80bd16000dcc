"""Who the fuzzer (tests/api/test_fuzz.py) calls as, member B whose private data none of them may be shown,
and the checks that say what no response may contain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from schemathesis import Case, CheckContext, Response

from domain.roles import Role
from models import Member
from tests.api.conftest import Site

INTERNALS = ("Traceback (most recent call last)", "[SQL:", "sqlalche.me", "psycopg", "sqlite3")


# Member B: strings nobody else has, so finding one in a response means B's record leaked into it.
B_EMAIL = "bea-private-q7x3@leak.example"
B_NAME = "Bea Zyzzogeton"
B_GITHUB = "bea-gh-k9w2v"
B_SKILL = "bea-skill-xylophonics"
B_GOALS = "bea-goal-learn-quasar-routing"


@dataclass(frozen=True)
class Identity:
    name: str
    cookies: dict[str, str]
    headers: dict[str, str]
    private: tuple[str, ...]  # B's values this caller must never be shown
    pinned: dict[str, tuple[int, ...]]  # path parameters tried with these ids: B's records, the caller's own


async def callers(site: Site) -> list[Identity]:
    """Anonymous, a plain member and an organizer, with B seeded and shown to be where a leak would show."""
    bea, mentorship_id = await _seed_member_b(site)
    organizer = await site.member_with_journey("olive-organizer@example.org", role=Role.ORGANIZER)
    alice = await site.member_with_journey("alice-member@example.org")
    async with site.client() as client:  # the strings are where a leak would show them
        await site.sign_in_as(client, organizer)
        shown = (await client.get(f"/api/members/{bea.id}")).text
    assert B_EMAIL in shown and B_SKILL in shown, shown
    # Members see each other's display names (vouches, sponsor suggestions, mentoring), not the rest.
    private = (B_EMAIL, B_GITHUB, B_SKILL, B_GOALS)
    return [
        Identity("anonymous", {}, {}, (*private, B_NAME), {}),
        await _signed_in(site, "member", alice, private, bea.id, mentorship_id),
        await _signed_in(site, "organizer", organizer, (), bea.id, mentorship_id),
    ]


def no_internal_errors(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    body = response.content.decode("utf-8", "replace")
    shown = [text for text in INTERNALS if text in body]
    if shown:
        raise AssertionError(f"the response shows the app's internals: {', '.join(shown)}")
    return None


def no_private_data(private: tuple[str, ...]) -> Callable[[CheckContext, Response, Case[Any]], bool | None]:
    def no_private_data_of_another_member(
        ctx: CheckContext, response: Response, case: Case[Any]
    ) -> bool | None:
        body = response.content.decode("utf-8", "replace").lower()
        shown = [value for value in private if value.lower() in body]
        if shown:
            raise AssertionError(f"the response shows another member's {', '.join(shown)}")
        return None

    return no_private_data_of_another_member


async def _seed_member_b(site: Site) -> tuple[Member, int]:
    """Member B with a profile, mentee needs and a mentorship with an organizer."""
    bea = await site.member_with_journey(B_EMAIL, display_name=B_NAME)
    mentor = await site.member_with_journey("mentor-organizer@example.org", role=Role.ORGANIZER)
    with site.db.sessions.begin() as s:
        record = s.get(Member, bea.id)
        assert record is not None
        record.github_login, record.skills, record.time_zone = B_GITHUB, [B_SKILL], "Pacific/Chatham"
    needs = {"skills_wanted": B_SKILL, "goals": B_GOALS, "time_zone": "UTC", "languages": "en"}
    await _post(site, bea, "/api/me/mentee-needs", needs)
    profile = {"skills": B_SKILL, "capacity": 2, "time_zone": "UTC", "languages": "en"}
    await _post(site, mentor, "/api/me/mentor-profile", profile)
    pairs = {"pairs": [{"mentee_id": bea.id, "mentor_id": mentor.id}]}
    [mentorship_id] = (await _post(site, mentor, "/api/mentoring/confirm", pairs))["mentorship_ids"]
    return bea, mentorship_id


async def _post(site: Site, member: Member, path: str, body: dict[str, Any]) -> dict[str, Any]:
    async with site.client() as client:
        await site.sign_in_as(client, member)
        response = await client.post(path, json=body, headers={"x-csrftoken": client.cookies["csrftoken"]})
    assert response.is_success, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def _signed_in(
    site: Site, name: str, member: Member, private: tuple[str, ...], bea_id: int, mentorship_id: int
) -> Identity:
    """The cookies of a real sign-in; JSON writes carry the CSRF cookie's value in a header, as pages do."""
    async with site.client() as client:
        await site.sign_in_as(client, member)
        cookies = dict(client.cookies.items())
    pinned = {"member_id": (bea_id, member.id), "mentorship_id": (mentorship_id,)}
    return Identity(name, cookies, {"x-csrftoken": cookies["csrftoken"]}, private, pinned)
