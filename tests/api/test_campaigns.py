"""Launching a campaign through the API, and a member answering "I'm back" from the email."""

from __future__ import annotations

import re

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
