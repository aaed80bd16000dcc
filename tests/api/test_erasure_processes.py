"""Erasure ends a member's running processes cleanly: GitHub access taken back through the grant's own
path (so the record says why), and an open mentorship's workflow cancelled and the pairing ended."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from temporalio.client import WorkflowExecutionStatus

from api.services.erasure import REASON
from api.settings import Settings
from domain.roles import Role
from localgithub.models import seed as seed_file
from models import AccessGrant, CheckIn, Member, Mentorship, PairingStatus
from tests.api.conftest import Site
from tests.factories import eventually
from tests.github_server import LocalGitHub, running
from workflows.access_grant import AccessGrant as AccessGrantWorkflow

SEED = Path(__file__).parents[2] / "localgithub" / "seed.example.toml"


@pytest.fixture(scope="module")
def github_world() -> Iterator[LocalGitHub]:
    with running(seed_file.load(SEED)) as local:
        yield local


@pytest.fixture
def settings(settings: Settings, github_world: LocalGitHub) -> Settings:
    github_world.reset()
    return settings.model_copy(update={"github_base_url": github_world.url})


def headers(client: httpx.AsyncClient) -> dict[str, str]:
    return {"x-csrftoken": client.cookies["csrftoken"]}


async def post(site: Site, who: Member, path: str, body: dict[str, object]) -> httpx.Response:
    async with site.client() as client:
        await site.sign_in_as(client, who)
        response = await client.post(path, json=body, headers=headers(client))
        assert response.is_success, response.text
        return response


def collaborators(github: LocalGitHub) -> dict[str, str]:
    [website] = [r for r in github.state()["repos"] if r["full_name"] == "perennial-demo/website"]
    return dict(website["collaborators"])


async def test_erasure_takes_back_github_access_and_ends_the_mentorship(
    site: Site, github_world: LocalGitHub
) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    mentor = await site.member_with_journey("mentor@example.org")
    linus = await site.member_with_journey("linus@example.org")
    with site.db.sessions.begin() as s:
        record = s.get(Member, linus.id)
        record.github_login, record.trust_level = "linus", 2  # type: ignore[union-attr]

    asked = await post(site, linus, "/api/me/access", {"target": "repo-website", "permission": "triage"})
    grant = site.env.client.get_workflow_handle(asked.json()["workflow_id"])
    await eventually(lambda: site.db.events(linus.id, "access.invited"))
    github_world.accept_invitations("linus")
    await grant.signal(AccessGrantWorkflow.invitation_accepted)
    await eventually(lambda: site.db.events(linus.id, "access.active"))
    assert collaborators(github_world)["linus"] == "triage"

    profile = {"skills": "python", "capacity": 1, "time_zone": "Europe/Berlin", "languages": "en"}
    await post(site, mentor, "/api/me/mentor-profile", profile)
    needs = {"skills_wanted": "python", "goals": "ship a fix", "time_zone": "Europe/Paris", "languages": "en"}
    await post(site, linus, "/api/me/mentee-needs", needs)
    pair = {"pairs": [{"mentee_id": linus.id, "mentor_id": mentor.id}]}
    [pairing_id] = (await post(site, lead, "/api/mentoring/confirm", pair)).json()["mentorship_ids"]
    await post(site, mentor, f"/api/mentorships/{pairing_id}/accept", {})
    await eventually(lambda: site.db.get(Mentorship, pairing_id).next_check_in_at is not None)
    await post(site, linus, f"/api/mentorships/{pairing_id}/check-in", {"went_well": "Linus's first PR"})
    await post(site, mentor, f"/api/mentorships/{pairing_id}/check-in", {"went_well": "Reviewed it"})
    assert answers(site, pairing_id) == {"mentee": "Linus's first PR", "mentor": "Reviewed it"}
    pairing = site.env.client.get_workflow_handle(
        f"{site.settings.workflow_id_prefix}mentorship-{pairing_id}"
    )

    with site.db.sessions.begin() as s:  # as if an earlier pairing of theirs had ended with feedback
        earlier = s.get(Mentorship, pairing_id)
        earlier.mentor_feedback, earlier.mentee_feedback = "Great mentee", "Great mentor"  # type: ignore[union-attr]

    await post(site, linus, "/api/me/erasure", {"confirm": "erase my data"})

    assert "linus" not in collaborators(github_world), "access taken back on GitHub"
    assert await grant.result() == "revoked"
    with site.db.sessions() as s:
        [stored] = s.scalars(select(AccessGrant).where(AccessGrant.member_id == linus.id)).all()
    assert stored.status == "revoked" and REASON in (stored.reason or ""), "the grant's record says why"
    assert site.db.events(linus.id, "access.revoked")

    assert answers(site, pairing_id) == {"mentee": None, "mentor": "Reviewed it"}, "only their own words go"
    ended = site.db.get(Mentorship, pairing_id)
    assert (ended.mentor_feedback, ended.mentee_feedback) == ("Great mentee", None)
    assert ended.status is PairingStatus.ENDED and ended.ended_at is not None
    for _ in range(100):
        if (await pairing.describe()).status is not WorkflowExecutionStatus.RUNNING:
            break
        await asyncio.sleep(0.1)
    assert (await pairing.describe()).status is WorkflowExecutionStatus.CANCELED


def answers(site: Site, pairing_id: int) -> dict[str, str | None]:
    with site.db.sessions() as s:
        rows = s.scalars(select(CheckIn).where(CheckIn.mentorship_id == pairing_id, CheckIn.round == 1))
        return {c.side: c.answers.get("went_well") for c in rows}
