"""GitHub deliveries through the real app (CSRF middleware included): only signed ones are read, each is
recorded once, and work from unknown logins waits on an identity a member can claim."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from api.routes import webhooks
from api.services import identities
from domain.github_events import sign
from models import Event, Member, UnclaimedIdentity
from models.rollup_build import claimants
from tests.api.conftest import Site
from tests.domain.test_github_drift import MEMBER_ADDED
from tests.domain.test_github_events import (
    PR_URL,
    issue_delivery,
    pull_request_delivery,
    review_delivery,
    user,
)

SECRET = "test-webhook-secret"  # make_settings' github_webhook_secret


async def deliver(
    site: Site,
    event: str,
    payload: dict[str, Any],
    *,
    delivery: str | None = None,
    secret: str = SECRET,
    signed: bool = True,
) -> httpx.Response:
    """POST as GitHub does: JSON body, no cookies, the event, delivery GUID and body signature in headers."""
    body = json.dumps(payload).encode()
    headers = {
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/044aadd",
        "x-github-event": event,
        "x-github-delivery": delivery or str(uuid.uuid4()),
    }
    if signed:
        headers["x-hub-signature-256"] = sign(secret, body)
    async with site.client() as github:
        return await github.post("/webhooks/github", content=body, headers=headers)


def member_on_github(site: Site, email: str, login: str) -> Member:
    member = site.db.member(email)
    with site.db.sessions.begin() as s:
        s.get(Member, member.id).github_login = login  # type: ignore[union-attr]
    return member


def ledger(site: Site, kind_prefix: str = "") -> list[Event]:
    with site.db.sessions() as s:
        return list(s.scalars(select(Event).where(Event.kind.startswith(kind_prefix)).order_by(Event.id)))


async def test_a_merged_pull_request_is_recorded_once_for_its_author_and_a_replay_is_refused(
    site: Site,
) -> None:
    author = member_on_github(site, "coder@example.org", "Codertocat")
    merged = pull_request_delivery("closed", user("codertocat"), merged=True)  # logins ignore case
    delivery = str(uuid.uuid4())

    first = await deliver(site, "pull_request", merged, delivery=delivery)
    replayed = await deliver(site, "pull_request", merged, delivery=delivery)
    second_hook = await deliver(site, "pull_request", merged)

    assert first.status_code == 200, first.text
    assert first.json() == {"status": "recorded", "kind": "contribution.pr_merged"}
    assert replayed.status_code == 401 and replayed.json()["detail"] == f"replayed delivery {delivery}"
    assert second_hook.status_code == 200 and second_hook.json()["status"] == "already recorded"
    [event] = ledger(site, "contribution.")
    assert (event.kind, event.subject_type, event.subject_id, event.actor_id) == (
        "contribution.pr_merged",
        "member",
        author.id,
        author.id,
    )
    assert event.payload == {"ref": PR_URL, "source": "github", "delivery": delivery}
    assert event.idempotency_key == "github/pr_merged/279147437"


async def test_a_forged_or_missing_signature_is_refused_and_records_nothing(site: Site) -> None:
    member_on_github(site, "coder@example.org", "Codertocat")
    merged = pull_request_delivery("closed", user("Codertocat"), merged=True)

    forged = await deliver(site, "pull_request", merged, secret="guessed-secret")
    unsigned = await deliver(site, "pull_request", merged, signed=False)
    async with site.client() as client:
        body = json.dumps(merged).encode()
        tampered = await client.post(
            "/webhooks/github",
            content=body.replace(b"Codertocat", b"Mallory"),
            headers={
                "x-github-event": "pull_request",
                "x-github-delivery": "d-1",
                "x-hub-signature-256": sign(SECRET, body),
            },
        )

    for refused in (forged, unsigned, tampered):
        assert refused.status_code == 401, refused.text
        assert "X-Hub-Signature-256" in refused.json()["detail"]
    assert ledger(site) == []


async def test_a_review_by_a_member_of_a_members_pull_request_names_the_author_as_counterpart(
    site: Site,
) -> None:
    author = member_on_github(site, "coder@example.org", "Codertocat")
    reviewer = member_on_github(site, "octo@example.org", "octocat")

    response = await deliver(
        site, "pull_request_review", review_delivery(user("octocat"), user("Codertocat"))
    )

    assert response.status_code == 200, response.text
    [review] = ledger(site, "contribution.")
    assert (review.kind, review.subject_id) == ("contribution.review", reviewer.id)
    assert review.payload["counterpart_id"] == author.id and review.payload["ref"] == PR_URL


async def test_work_from_an_unknown_login_waits_on_an_identity_until_a_member_claims_it(site: Site) -> None:
    stranger = user("Hubot-Fan")
    opened = await deliver(site, "issues", issue_delivery(stranger))
    reviewed = await deliver(site, "pull_request_review", review_delivery(stranger, user("Codertocat")))

    assert opened.status_code == 200 and reviewed.status_code == 200, (opened.text, reviewed.text)
    with site.db.sessions() as s:
        [identity] = s.scalars(select(UnclaimedIdentity)).all()
    assert (identity.provider, identity.value, identity.claimed_by_id) == ("github", "hubot-fan", None)
    issue, review = ledger(site, "contribution.")
    assert {(e.subject_type, e.subject_id) for e in (issue, review)} == {("identity", identity.id)}
    assert "counterpart_id" not in review.payload  # Codertocat is nobody here

    newcomer = site.db.member("fan@example.org")
    with site.db.sessions.begin() as s:
        identities.claim(s, s.get(Member, newcomer.id), "github", "HUBOT-FAN")  # type: ignore[arg-type]
    with site.db.sessions() as s:
        assert identities.member_for_identity(s, identity.id).id == newcomer.id  # type: ignore[union-attr]
        assert claimants(s.connection()) == {identity.id: newcomer.id}
    [claimed] = ledger(site, "identity.claimed")
    assert (claimed.subject_type, claimed.subject_id, claimed.actor_id) == (
        "identity",
        identity.id,
        newcomer.id,
    )

    merged = await deliver(site, "pull_request", pull_request_delivery("closed", stranger, merged=True))
    assert merged.status_code == 200
    assert (
        ledger(site, "contribution.pr_merged")[0].subject_id == newcomer.id
    )  # claimed: straight to the member


async def test_a_bots_work_is_accepted_and_not_recorded(site: Site) -> None:
    bot = user("dependabot[bot]", "Bot")

    response = await deliver(site, "pull_request", pull_request_delivery("closed", bot, merged=True))

    assert response.status_code == 202 and "bot" in response.json()["reason"]
    assert ledger(site) == []
    with site.db.sessions() as s:
        assert s.scalars(select(UnclaimedIdentity)).all() == []


async def test_a_collaborator_added_is_recorded_as_suspected_drift_once_per_delivery(site: Site) -> None:
    delivery = str(uuid.uuid4())

    first = await deliver(site, "member", MEMBER_ADDED, delivery=delivery)
    replayed = await deliver(site, "member", MEMBER_ADDED, delivery=delivery)

    assert first.json() == {"status": "recorded", "kind": "github.drift_suspected"}
    assert replayed.status_code == 401
    [drift] = ledger(site)
    assert (drift.kind, drift.subject_type, drift.subject_id, drift.idempotency_key) == (
        "github.drift_suspected",
        "github",
        0,
        f"github-delivery/{delivery}",
    )
    assert drift.payload == {
        "event": "member",
        "action": "added",
        "target": "Codertocat/Hello-World",
        "login": "hacktocat",
        "repository": None,
        "delivery": delivery,
    }
    reconcile = site.env.client.get_workflow_handle(
        f"{site.settings.workflow_id_prefix}access-reconcile-on-change"
    )
    assert (await reconcile.describe()).workflow_type == "AccessReconcile"  # a dry run compares soon


async def test_a_ping_answers_and_unhandled_deliveries_are_accepted_without_a_record(site: Site) -> None:
    ping = await deliver(site, "ping", {"zen": "Design for failure.", "hook_id": 109948940})
    push = await deliver(site, "push", {"ref": "refs/heads/main", "commits": []})
    opened = await deliver(
        site, "pull_request", pull_request_delivery("opened", user("Codertocat"), merged=False)
    )

    assert (ping.status_code, ping.json()) == (200, {"status": "pong"})
    assert push.status_code == 202 and push.json()["reason"] == "'push' deliveries are not recorded"
    assert opened.status_code == 202
    assert ledger(site) == []


async def test_a_signed_delivery_that_is_not_json_or_has_no_delivery_id_says_what_to_fix(site: Site) -> None:
    form = b"payload=%7B%7D"
    async with site.client() as client:
        not_json = await client.post(
            "/webhooks/github",
            content=form,
            headers={
                "content-type": "application/x-www-form-urlencoded",
                "x-github-event": "ping",
                "x-github-delivery": "d-2",
                "x-hub-signature-256": sign(SECRET, form),
            },
        )
        body = b"{}"
        no_delivery = await client.post(
            "/webhooks/github",
            content=body,
            headers={"x-github-event": "ping", "x-hub-signature-256": sign(SECRET, body)},
        )

    assert not_json.status_code == 400 and "application/json" in not_json.json()["detail"]
    assert no_delivery.status_code == 400 and "X-GitHub-Delivery" in no_delivery.json()["detail"]


async def test_a_body_larger_than_github_ever_sends_is_refused_unread(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhooks, "MAX_BODY_BYTES", 1024)
    oversized = {"action": "opened", "padding": "x" * 2048}

    response = await deliver(site, "issues", oversized)

    assert response.status_code == 413 and "25 MB" in response.json()["detail"]
