"""Launching a campaign through the API, and a member answering "I'm back" from the email."""

from __future__ import annotations

import re

from sqlalchemy import select

from domain.roles import Role
from models import CampaignRecipient, Member, MemberStatus
from tests.api.conftest import Site
from tests.factories import csrf, eventually


async def test_launch_answer_and_results(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    away = await site.member_with_journey("away@example.org", reminders=True)
    with site.db.sessions.begin() as s:
        s.get(Member, away.id).status = MemberStatus.DORMANT  # type: ignore[union-attr]

    async with site.client() as client:
        await site.sign_in_as(client, lead)
        launched = await client.post(
            "/api/campaigns",
            json={"name": "Cycle", "subject": "Back for 2026?", "body": "Hi $name, we are gearing up."},
            headers={"x-csrftoken": client.cookies["csrftoken"]},
        )
        assert launched.status_code == 201, launched.text
        [mail] = await eventually(
            lambda: [m for m in site.outbox.messages() if m.subject == "Back for 2026?"]
        )
        link = re.search(r"http\S+/back\?token=\S+", mail.body)
        assert link is not None
    path = link.group(0).removeprefix(site.settings.base_url)

    async with site.client() as anonymous:
        page = await anonymous.get(path)
        nothing_yet = site.db.get(CampaignRecipient, 1).returned_at
        answered = await anonymous.post(
            "/back", data={"token": path.split("token=")[1], "csrftoken": csrf(page)}
        )
        forged = await anonymous.post("/back", data={"token": "forged", "csrftoken": csrf(page)})
    async with site.client() as client:
        await site.sign_in_as(client, lead)
        results = (await client.get("/api/campaigns")).json()

    assert "I'm back" in page.text and nothing_yet is None  # opening the link changes nothing
    assert answered.status_code == 200 and "Welcome back" in answered.text
    assert forged.status_code == 409
    assert [(r["reached"], r["returned"]) for r in results] == [(1, 1)]
    assert site.db.events(away.id, "member.answered_campaign")


async def test_organizers_preview_then_launch_from_the_page(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    chapter = site.db.chapter("Tucson")
    away = await site.member_with_journey("rosa@example.org", reminders=True, chapter_id=chapter.id)
    quiet = await site.member_with_journey("no-mail@example.org", reminders=False, chapter_id=chapter.id)
    elsewhere = await site.member_with_journey("else@example.org", reminders=True)
    with site.db.sessions.begin() as s:
        for member in (away, quiet, elsewhere):
            s.get(Member, member.id).status = MemberStatus.DORMANT  # type: ignore[union-attr]
    form = {
        "name": "Tucson 2026",
        "subject": "Tucson needs you",
        "body": "Hi $name, the Tucson chapter is gearing up.",
        "dormant": "true",
        "chapter_id": str(chapter.id),
        "wave_size": "10",
        "wave_minutes": "30",
    }

    async with site.client() as client:
        await site.sign_in_as(client, lead)
        page = await client.get("/campaigns/new")
        token = csrf(page)
        preview = await client.post("/campaigns", data={**form, "action": "preview", "csrftoken": token})
        bad = await client.post(
            "/campaigns",
            data={**form, "body": "Hi", "wave_size": "0", "action": "launch", "csrftoken": token},
        )
        launched = await client.post("/campaigns", data={**form, "action": "launch", "csrftoken": token})
        [mail] = await eventually(
            lambda: [m for m in site.outbox.messages() if m.subject == "Tucson needs you"]
        )

    assert page.status_code == 200 and "$name" in page.text and "Tucson" in page.text
    assert "2 members in this segment today; 1 agreed to emails" in preview.text
    assert "Hi rosa, the Tucson chapter" in preview.text
    assert bad.status_code == 422 and "body" in bad.text and "wave_size" in bad.text
    assert launched.status_code == 303 and launched.headers["location"].startswith("/dashboards/organizer")
    assert "rosa@example.org" in mail.to
    with site.db.session() as s:
        assert sorted(s.scalars(select(CampaignRecipient.member_id))) == sorted([away.id, quiet.id])
