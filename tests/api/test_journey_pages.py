from __future__ import annotations

import base64
import re

import httpx

from api.app import create_app
from domain import sign_in
from domain.roles import Role
from models import Member, MemberStatus
from tests.api.conftest import Site
from tests.conftest import make_settings
from tests.factories import csrf, eventually


async def test_a_member_completes_steps_on_the_checklist_and_sees_them_done(site: Site) -> None:
    project = site.db.project("spoke")
    member = await site.member_with_journey("walker@example.org")
    async with site.client() as browser:
        await site.sign_in_as(browser, member)
        page = await browser.get("/journey")
        done = await browser.post("/journey/steps/code_of_conduct", data={"csrftoken": csrf(page)})
        assert done.status_code == 303

        page = await browser.get("/journey")
        profile = {
            "display_name": "Walker",
            "time_zone": "Europe/Berlin",
            "skills": "react, sql",
            "csrftoken": csrf(page),
        }
        assert (await browser.post("/journey/steps/profile", data=profile)).status_code == 303
        page = await browser.get("/journey")
        assert (
            await browser.post(
                "/journey/steps/pick_project", data={"project_id": str(project.id), "csrftoken": csrf(page)}
            )
        ).status_code == 303
        page = await browser.get("/journey")

    assert re.findall(r'<span class="badge">Done</span>\s*<strong>([^<]+)', page.text) == [
        "Sign up",
        "Accept the code of conduct",
        "Complete your profile",
        "Pick a project",
    ]
    assert 'id="step-meet_organizer" aria-current="step"' in page.text
    stored = site.db.get(Member, member.id)
    assert (stored.display_name, stored.time_zone, stored.skills, stored.project_id, stored.current_step) == (
        "Walker",
        "Europe/Berlin",
        ["react", "sql"],
        project.id,
        "meet_organizer",
    )


async def test_completing_a_step_twice_answers_409_and_keeps_one_record(site: Site) -> None:
    member = await site.member_with_journey("again@example.org")
    async with site.client() as client:
        await site.sign_in_as(client, member)
        token = client.cookies["csrftoken"]
        first = await client.post(
            "/api/me/journey/steps/code_of_conduct", json={}, headers={"x-csrftoken": token}
        )
        second = await client.post(
            "/api/me/journey/steps/code_of_conduct", json={}, headers={"x-csrftoken": token}
        )

    assert first.status_code == 200 and first.json()["next_step_id"] == "profile"
    assert second.status_code == 409 and "already complete" in second.json()["detail"]
    assert [p.step_id for p in site.db.progress(member.id)] == ["code_of_conduct"]


async def test_a_github_login_another_member_holds_is_refused_naming_the_field(site: Site) -> None:
    holder = await site.member_with_journey("alice@example.org")
    claimant = await site.member_with_journey("mallory@example.org")
    with site.db.sessions.begin() as s:
        s.get_one(Member, holder.id).github_login = "Alice"
    async with site.client() as client:
        await site.sign_in_as(client, claimant)
        headers = {"x-csrftoken": client.cookies["csrftoken"]}
        await client.post("/api/me/journey/steps/code_of_conduct", json={}, headers=headers)
        claimed = await client.post(
            "/api/me/journey/steps/profile",
            headers=headers,
            json={"display_name": "M", "time_zone": "UTC", "skills": "x", "github_login": "ALICE"},
        )

    assert claimed.status_code == 422
    [problem] = claimed.json()["detail"]
    assert problem["loc"][-1] == "github_login" and "Another member has linked" in problem["msg"]
    assert [p.step_id for p in site.db.progress(claimant.id)] == ["code_of_conduct"]
    assert site.db.get(Member, claimant.id).github_login is None


async def test_bad_step_fields_are_refused_with_422_naming_the_field_and_nothing_is_recorded(
    site: Site,
) -> None:
    member = await site.member_with_journey("fields@example.org")
    async with site.client() as client:
        await site.sign_in_as(client, member)
        headers = {"x-csrftoken": client.cookies["csrftoken"]}
        await client.post("/api/me/journey/steps/code_of_conduct", json={}, headers=headers)
        bad_zone = await client.post(
            "/api/me/journey/steps/profile",
            headers=headers,
            json={"display_name": "F", "time_zone": "Mars/Olympus", "skills": "x"},
        )
        too_many = await client.post(
            "/api/me/journey/steps/profile",
            headers=headers,
            json={"display_name": "F", "time_zone": "UTC", "skills": ",".join("s" * 50 for _ in range(3))},
        )
        missing = await client.post(
            "/api/me/journey/steps/profile", headers=headers, json={"display_name": "F"}
        )
        page = await client.get("/journey")
        form_error = await client.post(
            "/journey/steps/profile",
            data={"display_name": "F", "time_zone": "Nowhere", "skills": "x", "csrftoken": csrf(page)},
        )

    assert bad_zone.status_code == 422 and bad_zone.json()["detail"][0]["loc"][-1] == "time_zone"
    assert too_many.status_code == 422 and too_many.json()["detail"][0]["loc"][-1] == "skills"
    assert missing.status_code == 409 and "time_zone, skills" in missing.json()["detail"]
    assert form_error.status_code == 422 and 'id="time_zone-error"' in form_error.text
    assert [p.step_id for p in site.db.progress(member.id)] == ["code_of_conduct"]
    assert site.db.get(Member, member.id).time_zone is None


async def test_organizers_filter_members_by_step_chapter_and_dormancy(site: Site) -> None:
    organizer = await site.member_with_journey("boss@example.org", role=Role.ORGANIZER)
    north = site.db.chapter("North")
    fresh = await site.member_with_journey("fresh@example.org", chapter_id=north.id)
    moving = await site.member_with_journey("moving@example.org")
    with site.db.sessions.begin() as s:
        s.get(Member, moving.id).status = MemberStatus.DORMANT  # type: ignore[union-attr]
    async with site.client() as client:
        await site.sign_in_as(client, moving)
        await client.post(
            "/api/me/journey/steps/code_of_conduct",
            json={},
            headers={"x-csrftoken": client.cookies["csrftoken"]},
        )
    async with site.client() as client:
        await site.sign_in_as(client, organizer)
        by_step = await client.get("/api/members", params={"step": "profile"})
        by_chapter = await client.get("/api/members", params={"chapter_id": north.id})
        page = await client.get("/members", params={"chapter_id": north.id})

    assert [m["id"] for m in by_step.json()] == [moving.id]
    assert [m["id"] for m in by_chapter.json()] == [fresh.id]
    assert f'href="/members/{fresh.id}"' in page.text and f'href="/members/{moving.id}"' not in page.text


async def test_the_member_record_shows_the_timeline_and_an_organizer_approves_a_step(site: Site) -> None:
    organizer = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    project = site.db.project("vote-finder")
    member = await site.member_with_journey("newbie@example.org")
    async with site.client() as client:
        await site.sign_in_as(client, member)
        headers = {"x-csrftoken": client.cookies["csrftoken"]}
        for step, body in [
            ("code_of_conduct", {}),
            ("profile", {"display_name": "N", "time_zone": "UTC", "skills": "go"}),
            ("pick_project", {"project_id": project.id}),
        ]:
            assert (
                await client.post(f"/api/me/journey/steps/{step}", json=body, headers=headers)
            ).status_code == 200
        self_approval = await client.post(f"/api/members/{member.id}/steps/meet_organizer", headers=headers)
        own_record = await client.get(f"/api/members/{member.id}")
        other_record = await client.get(f"/api/members/{organizer.id}")
    async with site.client() as client:
        await site.sign_in_as(client, organizer)
        detail = await client.get(f"/members/{member.id}")
        approved = await client.post(
            f"/members/{member.id}/steps/meet_organizer", data={"csrftoken": csrf(detail)}
        )
        record = await client.get(f"/api/members/{member.id}")

    assert self_approval.status_code == 403
    assert own_record.status_code == 200 and other_record.status_code == 403
    assert "Approve “Meet your chapter organizer”" in detail.text
    assert approved.status_code == 303
    kinds = [e["kind"] for e in record.json()["timeline"]]
    assert kinds[0] == "journey.step_completed" and record.json()["timeline"][0]["actor_id"] == organizer.id
    assert kinds.count("journey.step_completed") == 4 and "member.signed_up" in kinds
    assert record.json()["member"]["current_step"] is None


async def test_session_cookies_are_httponly_everywhere_and_secure_in_production(site: Site) -> None:
    member = await site.member_with_journey("cookie@example.org")
    production = make_settings(
        site.settings.database_url,
        site.settings.smtp_port,
        environment="production",
        workflow_id_prefix=site.settings.workflow_id_prefix,
        payload_key=base64.b64encode(b"k" * 32).decode(),
    )
    app = create_app(production, temporal=site.env.client)
    token = sign_in.issue_token(production.secret_key, sign_in.SignInClaim(member.id, member.sign_in_nonce))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://perennial.example"
        ) as client,
    ):
        page = await client.get("/signin/verify", params={"token": token})
        response = await client.post("/signin/verify", data={"token": token, "csrftoken": csrf(page)})

    cookies = {v.split("=", 1)[0]: v.lower() for k, v in response.headers.multi_items() if k == "set-cookie"}
    session_cookie = cookies["perennial_session"]
    assert "httponly" in session_cookie and "secure" in session_cookie and "samesite=lax" in session_cookie
    assert (
        "secure"
        in {v.split("=", 1)[0]: v.lower() for k, v in page.headers.multi_items() if k == "set-cookie"}[
            "csrftoken"
        ]
    )


async def test_signing_in_without_a_running_journey_starts_one_instead_of_failing(site: Site) -> None:
    imported = site.db.member("imported@example.org")  # made outside signup: no journey yet

    async with site.client() as client:
        await site.sign_in_as(client, imported)  # asserts the 303 to /journey

    await eventually(lambda: site.db.events(imported.id, "member.signed_up"))
