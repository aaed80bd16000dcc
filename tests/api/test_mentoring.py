"""Mentoring through the API: profiles and needs, proposals, an organizer confirming (which starts the
pairing's workflow), the mentor accepting, check-ins from each side, and outsiders refused."""

from __future__ import annotations

import httpx

from domain.roles import Role
from models import Member, MentorProfile, Mentorship, PairingStatus
from tests.api.conftest import Site
from tests.factories import csrf, eventually


def headers(client: httpx.AsyncClient) -> dict[str, str]:
    return {"x-csrftoken": client.cookies["csrftoken"]}


async def post(site: Site, who: Member, path: str, body: dict[str, object]) -> httpx.Response:
    async with site.client() as client:
        await site.sign_in_as(client, who)
        return await client.post(path, json=body, headers=headers(client))


async def test_from_profiles_to_a_confirmed_accepted_pairing_with_check_ins(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    north = site.db.chapter("North")
    mentor = await site.member_with_journey("mentor@example.org", chapter_id=north.id)
    mentee = await site.member_with_journey("mentee@example.org", chapter_id=north.id)
    outsider = await site.member_with_journey("outsider@example.org")

    bad_zone = await post(
        site,
        mentor,
        "/api/me/mentor-profile",
        {"skills": "python", "time_zone": "Mars/Base", "languages": "en"},
    )
    profile = await post(
        site,
        mentor,
        "/api/me/mentor-profile",
        {"skills": "python; sql", "capacity": 2, "time_zone": "Europe/Berlin", "languages": "en;de"},
    )
    needs = await post(
        site,
        mentee,
        "/api/me/mentee-needs",
        {"skills_wanted": "python", "goals": "ship a fix", "time_zone": "Europe/Paris", "languages": "en"},
    )
    async with site.client() as client:
        await site.sign_in_as(client, lead)
        proposals = (await client.get("/api/mentoring/proposals")).json()
        page = await client.get("/mentoring/match")
    confirmed = await post(
        site, lead, "/api/mentoring/confirm", {"pairs": [{"mentee_id": mentee.id, "mentor_id": mentor.id}]}
    )

    assert bad_zone.status_code == 422 and "IANA" in bad_zone.text
    assert (profile.status_code, needs.status_code) == (200, 200)
    assert [(p["mentee"], p["mentor"]) for p in proposals] == [(str(mentee.id), str(mentor.id))]
    assert "skills" in proposals[0]["reasons"][0] and "mentor_for_" in page.text
    assert f"same chapter ({north.id})" in proposals[0]["reasons"]
    assert confirmed.status_code == 201
    [pairing_id] = confirmed.json()["mentorship_ids"]

    refused = await post(site, outsider, f"/api/mentorships/{pairing_id}/accept", {})
    accepted = await post(site, mentor, f"/api/mentorships/{pairing_id}/accept", {})
    await eventually(lambda: site.db.get(Mentorship, pairing_id).status is PairingStatus.ACTIVE)
    await eventually(lambda: site.db.get(Mentorship, pairing_id).next_check_in_at is not None)
    said = {"went_well": "first PR <b>merged</b>", "blocked_on": "CI secrets"}
    answered = await post(site, mentee, f"/api/mentorships/{pairing_id}/check-in", said)
    stranger = await post(site, outsider, f"/api/mentorships/{pairing_id}/check-in", {"went_well": "hi"})

    assert refused.status_code == 409 and "Only the proposed mentor" in refused.json()["detail"]
    assert accepted.json() == {"result": "accepted"}
    assert answered.status_code == 200 and answered.json() == {"round": 1}
    assert stranger.status_code == 409 and "Only the mentor and the mentee" in stranger.json()["detail"]
    async with site.client() as client:
        await site.sign_in_as(client, mentor)
        mine = (await client.get("/api/me/mentoring")).json()
        page = await client.get("/mentoring")
        mentors_data = (await client.get("/api/me/data")).json()
    async with site.client() as client:
        await site.sign_in_as(client, mentee)
        mentees_data = (await client.get("/api/me/data")).json()
    assert [(p["mentee_id"], p["other_name"]) for p in mine["mentoring"]] == [(mentee.id, "mentee")]
    # The mentor reads what the mentee said, kept on the check-in row, not only in the workflow's history.
    last = mine["mentoring"][0]["their_last_check_in"]
    assert (last["round"], last["went_well"], last["blocked_on"]) == (1, said["went_well"], "CI secrets")
    assert "first PR &lt;b&gt;merged&lt;/b&gt;" in page.text and "blocked on: CI secrets" in page.text
    # Organizers see what was said on the mentee's record; the mentee's own record does not show it back.
    async with site.client() as client:
        await site.sign_in_as(client, lead)
        record = await client.get(f"/members/{mentee.id}")
    async with site.client() as client:
        await site.sign_in_as(client, mentee)
        own = await client.get(f"/members/{mentee.id}")
    assert "Mentored by" in record.text and "went well: first PR &lt;b&gt;merged&lt;/b&gt;" in record.text
    assert own.status_code == 200 and "Mentorships" not in own.text and "first PR" not in own.text
    # Each side's download holds its own answers and not the other's.
    assert [(c["side"], c["answers"]) for c in mentees_data["tables"]["check_ins"]] == [("mentee", said)]
    assert [(c["side"], c["answers"]) for c in mentors_data["tables"]["check_ins"]] == [("mentor", {})]


async def test_the_mentoring_page_takes_a_profile_and_needs_through_forms(site: Site) -> None:
    member = await site.member_with_journey("both@example.org")
    async with site.client() as client:
        await site.sign_in_as(client, member)
        page = await client.get("/mentoring")
        token = csrf(page)
        profile = await client.post(
            "/mentoring/profile",
            data={
                "skills": "python;sql",
                "capacity": "1",
                "time_zone": "UTC",
                "languages": "en",
                "csrftoken": token,
            },
        )
        bad = await client.post(
            "/mentoring/needs",
            data={"skills_wanted": "go", "time_zone": "Nowhere", "languages": "en", "csrftoken": token},
        )

    assert page.status_code == 200 and "Offer to mentor" in page.text
    assert profile.status_code == 303
    assert bad.status_code == 422 and "IANA" in bad.text
    with site.db.session() as s:
        assert s.query(MentorProfile).filter_by(member_id=member.id).one().skills == ["python", "sql"]
