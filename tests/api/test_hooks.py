"""Outbound webhooks over real HTTP: signed, paced, retried with backoff, paused by the circuit breaker,
logged and replayable; time-skipping stands in for the waits."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
from sqlalchemy import select

from domain import webhooks
from domain.roles import Role
from models import Event, Member, WebhookDelivery, WebhookEndpoint
from models.base import utcnow
from tests.api.conftest import Site
from tests.factories import eventually
from tests.webhook_receiver import Receiver, receiving
from tests.workflows.record_histories import save


async def subscribe(
    site: Site, client: httpx.AsyncClient, receiver: Receiver, *types: str, rate: int = 60
) -> tuple[int, str]:
    answer = await client.post(
        "/api/hooks",
        json={"url": receiver.url, "description": "CRM", "event_types": list(types), "rate_per_minute": rate},
        headers={"x-csrftoken": client.cookies["csrftoken"]},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"], answer.json()["secret"]


def announce(site: Site, member_id: int, count: int) -> None:
    """Ledger events as any process would write them: the flush hook queues the deliveries."""
    with site.db.sessions.begin() as s:
        for n in range(count):
            s.add(
                Event(
                    at=utcnow(),
                    kind="member.returned",
                    subject_type="member",
                    subject_id=member_id,
                    payload={"n": n},
                )
            )


@asynccontextmanager
async def as_organizer(site: Site) -> AsyncIterator[tuple[httpx.AsyncClient, Member]]:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    async with site.client() as client:
        await client.get("/signin")
        await site.sign_in_as(client, lead)
        yield client, lead


async def test_a_signup_is_announced_signed_without_personal_data_logged_and_replayed(site: Site) -> None:
    with receiving() as receiver:
        async with as_organizer(site) as (client, _):
            endpoint_id, secret = await subscribe(site, client, receiver, "member.signed_up")
            newcomer = await site.member_with_journey("grace.hopper@example.org", display_name="Grace Hopper")
            [first] = await eventually(lambda: receiver.received)
            assert webhooks.verify(
                secret, first.headers["perennial-signature"], first.raw, now=int(time.time())
            )
            assert first.body["type"] == "member.signed_up" and first.body["data"]["member_id"] == newcomer.id
            assert first.headers["perennial-event"] == "member.signed_up"
            assert b"grace" not in first.raw.lower() and b"hopper" not in first.raw.lower()

            # The delivery is recorded once the receiver's answer is back, a moment after it got the request.
            await eventually(lambda: statuses(site, endpoint_id) == ["delivered"])
            log = (await client.get(f"/api/hooks/{endpoint_id}")).json()
            [delivered] = log["deliveries"]
            assert (delivered["status"], delivered["attempts"], delivered["last_status_code"]) == (
                "delivered",
                1,
                200,
            )
            page = await client.get(f"/hooks/{endpoint_id}")
            assert page.status_code == 200 and "delivered" in page.text and "Replay" in page.text

            replayed = await client.post(
                f"/api/hooks/deliveries/{delivered['id']}/replay",
                headers={"x-csrftoken": client.cookies["csrftoken"]},
            )
            assert replayed.status_code == 200 and replayed.json()["replay_of_id"] == delivered["id"]
            await eventually(lambda: len(receiver.received) == 2)
            again = receiver.received[1]
            assert again.body["id"] == first.body["id"], "the same event"
            assert again.body["delivery_id"] != first.body["delivery_id"]
            assert webhooks.verify(
                secret, again.headers["perennial-signature"], again.raw, now=int(time.time())
            )


async def test_failures_back_off_then_the_circuit_opens_and_recovery_delivers_the_rest(site: Site) -> None:
    with receiving() as receiver:
        async with as_organizer(site) as (client, lead):
            endpoint_id, _ = await subscribe(site, client, receiver, "member.returned")
            receiver.answer_with(then=503)
            announce(site, lead.id, 7)
            # Five failures in a row open the circuit; nothing more goes while it is open.
            await eventually(lambda: circuit(site, endpoint_id).startswith("open until"))
            assert len(receiver.received) == 5
            tried = [d for d in deliveries(site, endpoint_id) if d.attempts]
            assert [(d.attempts, d.last_status_code) for d in tried] == [(1, 503)] * 5
            assert all(d.next_attempt_at is not None for d in tried), "each failure schedules its retry"

            receiver.answer_with(then=200)
            await site.env.sleep(timedelta(minutes=2))  # past the cool-down: one delivery tests the water
            await eventually(lambda: statuses(site, endpoint_id).count("delivered") == 7, timeout=30)
            assert circuit(site, endpoint_id) == "closed"
            assert len(receiver.received) == 5 + 7
            assert len({r.body["id"] for r in receiver.received}) == 7
            if os.environ.get("PERENNIAL_RECORD_HISTORIES"):  # `make histories`: kept for the replay test
                handle = site.env.client.get_workflow_handle(site.settings.webhook_sender_id(endpoint_id))
                await save(handle, "failures-circuit-open-recovered", prefix="webhook-sender")


async def test_an_endpoint_gets_no_more_than_its_rate(site: Site) -> None:
    with receiving() as receiver:
        async with as_organizer(site) as (client, lead):
            endpoint_id, _ = await subscribe(site, client, receiver, "member.returned", rate=2)
            announce(site, lead.id, 5)
            await eventually(lambda: len(receiver.received) == 2)
            await site.env.sleep(timedelta(seconds=20))
            assert len(receiver.received) == 2, "the third waits for the minute to pass"
            await site.env.sleep(timedelta(seconds=45))
            await eventually(lambda: len(receiver.received) == 4)
            await site.env.sleep(timedelta(seconds=61))
            await eventually(lambda: len(receiver.received) == 5)
            assert statuses(site, endpoint_id) == ["delivered"] * 5


async def test_a_receiver_that_answers_gone_is_switched_off_and_the_rest_skipped(site: Site) -> None:
    with receiving() as receiver:
        async with as_organizer(site) as (client, lead):
            endpoint_id, _ = await subscribe(site, client, receiver, "member.returned")
            receiver.answer_with(then=410)
            announce(site, lead.id, 3)
            await eventually(lambda: statuses(site, endpoint_id) == ["failed", "skipped", "skipped"])
            log = (await client.get(f"/api/hooks/{endpoint_id}")).json()
            assert "410" in log["disabled_reason"] and len(receiver.received) == 1
            replay = await client.post(
                f"/api/hooks/deliveries/{log['deliveries'][-1]['id']}/replay",
                headers={"x-csrftoken": client.cookies["csrftoken"]},
            )
            assert replay.status_code == 409 and "switched off" in replay.json()["detail"]
            announce(site, lead.id, 1)
            assert len(statuses(site, endpoint_id)) == 3, "a switched-off endpoint queues nothing"


async def test_subscribing_checks_the_address_and_the_events(site: Site) -> None:
    async with as_organizer(site) as (client, _):
        headers = {"x-csrftoken": client.cookies["csrftoken"]}
        wrong = {"url": "ftp://example.org/x", "description": "x", "event_types": ["member.signed_up"]}
        answer = await client.post("/api/hooks", json=wrong, headers=headers)
        assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "url"]
        unknown = {**wrong, "url": "https://example.org/x", "event_types": ["member.deleted"]}
        assert (await client.post("/api/hooks", json=unknown, headers=headers)).status_code == 422
        page = await client.post(
            "/hooks", data={"url": "", "description": "", "csrftoken": headers["x-csrftoken"]}
        )
        assert page.status_code == 422 and "Please fix" in page.text


def circuit(site: Site, endpoint_id: int) -> str:
    return str(site.db.get(WebhookEndpoint, endpoint_id).circuit)


def deliveries(site: Site, endpoint_id: int) -> list[WebhookDelivery]:
    with site.db.sessions() as s:
        query = (
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.id)
        )
        return list(s.scalars(query))


def statuses(site: Site, endpoint_id: int) -> list[str]:
    return [d.status.value for d in deliveries(site, endpoint_id)]
