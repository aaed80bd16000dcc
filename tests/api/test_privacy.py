"""A member takes their data with them, or has it erased: everywhere, cleanly, and without changing
what the dashboards count."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from sqlalchemy import select
from temporalio.client import WorkflowExecutionStatus

from api.services.github_events import DRIFT_SUSPECTED
from domain.access import Permission, TargetKind
from domain.roles import Role
from models import (
    AccessGrant,
    DriftRecord,
    Event,
    GrantStatus,
    Member,
    MentorProfile,
    Mentorship,
    NeverPair,
    PairingStatus,
    ReviewItem,
    ReviewKind,
    StepProgress,
)
from tests.api.conftest import Site


def headers(client: object) -> dict[str, str]:
    return {"x-csrftoken": client.cookies["csrftoken"]}  # type: ignore[attr-defined]


async def test_a_member_downloads_their_data_then_erases_it_and_the_counts_stay_the_same(site: Site) -> None:
    site.settings.outbox_dir = site.outbox.directory
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    ada = await site.member_with_journey("ada.lovelace@example.org", display_name="Ada Lovelace")
    async with site.client() as organizer:
        await organizer.get("/signin")
        await site.sign_in_as(organizer, lead)
        recorded = await organizer.post(
            f"/api/members/{ada.id}/contributions",
            json={"kind": "review", "ref": "spoke#12", "external_id": "gh-1"},
            headers=headers(organizer),
        )
        assert recorded.status_code == 201
        before = (await organizer.get("/api/dashboards/funder")).json()

        async with site.client() as member:
            await member.get("/signin")
            await site.sign_in_as(member, ada)
            profile = {"skills": "python", "capacity": 1, "time_zone": "Europe/London", "languages": "en"}
            made = await member.post("/api/me/mentor-profile", json=profile, headers=headers(member))
            assert made.status_code in (200, 201), made.text

            download = await member.get("/api/me/data")
            assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
            data = download.json()
            assert data["tables"]["members"][0]["email"] == "ada.lovelace@example.org"
            assert data["tables"]["mentor_profiles"][0]["time_zone"] == "Europe/London"
            assert {"member.signed_up", "contribution.review"} <= {
                e["kind"] for e in data["tables"]["events"]
            }
            assert "sign_in_nonce" not in data["tables"]["members"][0]

            wrong = await member.post("/api/me/erasure", json={"confirm": "yes"}, headers=headers(member))
            assert wrong.status_code == 422
            assert site.db.get(Member, ada.id).erased_at is None
            erased = await member.post(
                "/api/me/erasure", json={"confirm": "erase my data"}, headers=headers(member)
            )
            assert erased.status_code == 200
            assert (await member.get("/api/me/journey")).status_code == 401, "signed out"

        after = (await organizer.get("/api/dashboards/funder")).json()
    assert after == before, "erasure keeps every count, cohort and funnel"

    record = site.db.get(Member, ada.id)
    assert (record.email, record.display_name, record.github_login, record.consents) == (
        f"erased-{ada.id}@erased.invalid",
        "Erased member",
        None,
        {},
    )
    with site.db.sessions() as s:
        assert s.scalars(select(MentorProfile).where(MentorProfile.member_id == ada.id)).all() == []
        ledger = json.dumps([e.payload for e in s.scalars(select(Event))])
    assert "ada.lovelace" not in ledger.lower() and "Ada Lovelace" not in ledger
    assert site.db.events(ada.id, "member.erased")
    assert site.outbox.to("ada.lovelace@example.org") == [], "the mail sink's copies are gone too"
    assert site.outbox.to("lead@example.org"), "only hers"

    journey = site.env.client.get_workflow_handle(site.settings.journey_id(ada.id))
    for _ in range(100):
        if (await journey.describe()).status is not WorkflowExecutionStatus.RUNNING:
            break
        await asyncio.sleep(0.1)
    assert (await journey.describe()).status is WorkflowExecutionStatus.CANCELED, "cancelled, not terminated"


async def test_a_download_holds_the_members_own_rows_not_others_or_what_protects_others(site: Site) -> None:
    """What the other side of a pairing told organizers, whom organizers keep apart, what a review
    suspects, and other members' rows an organizer only acted on stay out of each download."""
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    ada = await site.member_with_journey("ada@example.org")
    bo = await site.member_with_journey("bo@example.org")
    now = datetime.now(UTC)
    with site.db.sessions.begin() as s:
        s.add_all([
            Mentorship(mentor_id=bo.id, mentee_id=ada.id, confirmed_by_id=lead.id, created_at=now,
                       status=PairingStatus.GRADUATED, mentor_feedback="Ada needs watching",
                       mentee_feedback="Bo was kind"),
            NeverPair(mentor_id=bo.id, mentee_id=ada.id, set_by_id=lead.id, created_at=now),
            ReviewItem(member_id=ada.id, kind=ReviewKind.RING_PATTERN, created_at=now,
                       detail={"why": "dense vouching"}, resolved_by_id=lead.id, note="Keep an eye"),
            StepProgress(member_id=ada.id, step_id="approval", completed_at=now, completed_by_id=lead.id),
        ])  # fmt: skip
    downloads = {}
    for member in (ada, bo, lead):
        async with site.client() as client:
            await site.sign_in_as(client, member)
            downloads[member.display_name] = (await client.get("/api/me/data")).json()["tables"]

    ada_gets, bo_gets, lead_gets = downloads["ada"], downloads["bo"], downloads["lead"]
    assert [p["mentee_feedback"] for p in ada_gets["mentorships"]] == ["Bo was kind"]
    assert "mentor_feedback" not in ada_gets["mentorships"][0]
    assert [p["mentor_feedback"] for p in bo_gets["mentorships"]] == ["Ada needs watching"]
    assert "mentee_feedback" not in bo_gets["mentorships"][0]
    assert "never_pairs" not in ada_gets and "review_items" not in ada_gets
    assert "Keep an eye" not in json.dumps(ada_gets) and "dense vouching" not in json.dumps(ada_gets)
    assert [p["step_id"] for p in ada_gets["step_progress"]] == ["approval"]
    assert lead_gets["mentorships"] == [] and lead_gets["step_progress"] == []
    assert "Ada needs watching" not in json.dumps(lead_gets)


async def test_erasure_clears_what_maintainers_wrote_and_their_login_in_drift_records(site: Site) -> None:
    report = {"targets": [{"unexpected": ["linus-t", "linus-tx"], "note": "linus-t: admin"}]}
    linus = await site.member_with_journey("linus@example.org")
    now = datetime.now(UTC)
    with site.db.sessions.begin() as s:
        s.get(Member, linus.id).github_login = "linus-t"  # type: ignore[union-attr]
        s.add_all([
            AccessGrant(workflow_id="grant-1", member_id=linus.id, target_kind=TargetKind.REPO,
                        target="website", permission=Permission.WRITE, status=GrantStatus.DENIED,
                        reason="Denied: linus-t pushed a secret last spring", requested_at=now),
            Event(at=now, kind=DRIFT_SUSPECTED, subject_type="github", subject_id=0,
                  payload={"login": "Linus-T", "repository": "website"}),
            Event(at=now, kind=DRIFT_SUSPECTED, subject_type="github", subject_id=0,
                  payload={"login": "linus-tx", "repository": "website"}),
            DriftRecord(key="drift-1", found_at=now, dry_run=True, findings=2, allowed=1, report=report,
                        fixes=[{"remove": "LINUS-T"}]),
        ])  # fmt: skip
    async with site.client() as client:
        await site.sign_in_as(client, linus)
        erased = await client.post(
            "/api/me/erasure", json={"confirm": "erase my data"}, headers=headers(client)
        )
    assert erased.status_code == 200, erased.text

    with site.db.sessions() as s:
        [grant] = s.scalars(select(AccessGrant).where(AccessGrant.member_id == linus.id)).all()
        drift = [e.payload["login"] for e in s.scalars(select(Event).where(Event.kind == DRIFT_SUSPECTED))]
        [record] = s.scalars(select(DriftRecord)).all()
    assert grant.reason == "[erased]"
    assert sorted(drift) == ["[erased]", "linus-tx"], "another login that begins the same stays"
    assert record.report == {"targets": [{"unexpected": ["[erased]", "linus-tx"], "note": "[erased]: admin"}]}
    assert record.fixes == [{"remove": "[erased]"}]


async def test_only_admins_act_for_another_member(site: Site) -> None:
    admin = await site.member_with_journey("admin@example.org", role=Role.ADMIN)
    lin = await site.member_with_journey("lin@example.org")
    async with site.client() as client:
        await client.get("/signin")
        await site.sign_in_as(client, admin)
        suspended = await client.post(
            f"/api/members/{lin.id}/suspension",
            json={"reason": "Lin Q. posted another member's address"},
            headers=headers(client),
        )
        assert suspended.status_code == 200, suspended.text
        data = await client.get(f"/api/members/{lin.id}/data")
        assert data.status_code == 200 and data.json()["member_id"] == lin.id
        erased = await client.post(
            f"/api/members/{lin.id}/erasure", json={"confirm": "erase my data"}, headers=headers(client)
        )
        assert erased.status_code == 200
    assert site.db.get(Member, lin.id).email == f"erased-{lin.id}@erased.invalid"
    [suspension] = site.db.events(lin.id, "member.suspended")
    assert suspension.payload["reason"] == "[erased]", (
        "the ledger keeps that it happened, not what was written"
    )
    [audit] = site.db.events(lin.id, "member.erased")
    assert (audit.actor_id, audit.payload) == (admin.id, {"by_self": False})
