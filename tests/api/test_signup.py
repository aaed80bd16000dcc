from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from temporalio.service import RPCError

from domain import sign_in
from models import Member
from tests.api.conftest import Site
from tests.factories import csrf, eventually


async def test_signing_up_on_the_page_starts_a_journey_and_the_emailed_link_signs_in(site: Site) -> None:
    chapter = site.db.chapter("Detroit")
    async with site.client() as browser:
        page = await browser.get("/signup")
        form = {
            "email": "Ada@Example.org",
            "display_name": "Ada",
            "chapter_id": str(chapter.id),
            "reminders": "on",
            "csrftoken": csrf(page),
        }
        response = await browser.post("/signup", data=form)
        assert response.status_code == 201
        assert "Check your email" in response.text

        [member] = [site.db.get(Member, 1)]
        assert (member.email, member.chapter_id, member.consents["reminders"]) == (
            "ada@example.org",
            chapter.id,
            True,
        )
        [welcome] = await eventually(lambda: site.outbox.to("ada@example.org"))
        link = re.search(r"http\S+/signin/verify\?token=\S+", welcome.body)
        assert link is not None

        confirm = await browser.get(link.group(0).replace(site.settings.base_url, ""))
        token = re.search(r'name="token" value="([^"]+)"', confirm.text).group(1)  # type: ignore[union-attr]
        signed_in = await browser.post("/signin/verify", data={"token": token, "csrftoken": csrf(confirm)})
        assert signed_in.headers["location"] == "/journey"

        journey = await browser.get("/journey")
        assert 'id="step-code_of_conduct" aria-current="step"' in journey.text
        assert "remind" in journey.text

        again = await browser.post("/signin/verify", data={"token": token, "csrftoken": csrf(confirm)})
        assert again.status_code == 400 and "already used" in again.text


async def test_one_sign_in_link_confirmed_twice_at_once_signs_in_once(site: Site) -> None:
    """Both confirmations read the unused link before either uses it up (the journey is told in between)."""
    member = await site.member_with_journey("twice@example.org")
    token = sign_in.issue_token(site.settings.secret_key, sign_in.SignInClaim(member.id, 0))
    async with site.client() as first, site.client() as second:
        pages = [await browser.get("/signin/verify", params={"token": token}) for browser in (first, second)]
        answers = await asyncio.gather(
            *(
                browser.post("/signin/verify", data={"token": token, "csrftoken": csrf(page)})
                for browser, page in zip((first, second), pages, strict=True)
            )
        )

    assert sorted(a.status_code for a in answers) == [303, 400]
    assert "already used" in next(a for a in answers if a.status_code == 400).text
    assert site.db.get(Member, member.id).sign_in_nonce == 1
    assert len(site.db.events(member.id, "member.signed_in")) == 1


async def test_a_duplicate_signup_is_refused_with_409_and_leaves_one_member_and_one_journey(
    site: Site,
) -> None:
    async with site.client() as client:
        first = await client.post("/api/members", json={"email": "dup@example.org", "display_name": "One"})
        second = await client.post("/api/members", json={"email": "DUP@example.org", "display_name": "Two"})

    assert first.status_code == 201
    assert second.status_code == 409
    assert "already exists" in second.json()["detail"]
    assert site.db.count(Member) == 1
    await site.env.client.get_workflow_handle(site.settings.journey_id(first.json()["id"])).describe()
    with pytest.raises(RPCError):
        await site.env.client.get_workflow_handle(site.settings.journey_id(first.json()["id"] + 1)).describe()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "display_name": "X"}, "email"),
        ({"email": "long@example.org", "display_name": "x" * 81}, "display_name"),
        ({"email": "a@example.org", "display_name": ""}, "display_name"),
        ({"email": ("x" * 250) + "@example.org", "display_name": "X"}, "email"),
        ({"email": "a@example.org", "display_name": "X", "is_admin": True}, "is_admin"),
        ({"email": "a@example.org", "display_name": "X", "chapter_id": 999}, "chapter_id"),
    ],
)
async def test_malformed_or_oversized_signups_are_refused_with_422_naming_the_field(
    site: Site, body: dict[str, object], field: str
) -> None:
    async with site.client() as client:
        response = await client.post("/api/members", json=body)

    assert response.status_code == 422
    assert field in [error["loc"][-1] for error in response.json()["detail"]]
    assert site.db.count(Member) == 0


async def test_the_signup_page_shows_the_problem_beside_the_field(site: Site) -> None:
    async with site.client() as browser:
        page = await browser.get("/signup")
        response = await browser.post(
            "/signup", data={"email": "nope", "display_name": "X", "csrftoken": csrf(page)}
        )

    assert response.status_code == 422
    assert 'id="email-error"' in response.text
    assert site.db.count(Member) == 0


async def test_a_form_post_without_the_csrf_token_is_refused(site: Site) -> None:
    async with site.client() as browser:
        await browser.get("/signup")
        response = await browser.post("/signup", data={"email": "csrf@example.org", "display_name": "X"})

    assert response.status_code == 403
    assert site.db.count(Member) == 0


async def test_asking_for_a_link_says_the_same_for_unknown_addresses_and_sends_only_to_members(
    site: Site,
) -> None:
    member = await site.member_with_journey("known@example.org")
    await site.env.sleep(
        timedelta(minutes=2)
    )  # past the one-link-a-minute limit that follows the welcome email
    async with site.client() as client:
        known = await client.post("/api/session/link", json={"email": "known@example.org"})
        unknown = await client.post("/api/session/link", json={"email": "stranger@example.org"})

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    await eventually(lambda: site.db.events(member.id, "mail.sign_in_link_sent"))
    assert [m.subject.split(" for ")[0] for m in site.outbox.to("known@example.org")][
        -1
    ] == "Your sign-in link"
    assert site.outbox.to("stranger@example.org") == []
