"""Webhook deliveries reach only the addresses they checked (activities/public_network.py), against real
HTTP servers on loopback; only the DNS answers are scripted, as a receiver's DNS server could give them."""

from __future__ import annotations

import socket
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from activities.public_network import AddressRefused, CheckedAddresses, client_reaching, webhook_client
from activities.webhook_contracts import Attempt
from activities.webhooks import WebhookStore
from api.settings import Settings
from domain.roles import Role
from domain.sealing import Sealer
from domain.webhooks import private_address
from models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from tests.factories import Db
from tests.webhook_receiver import receiving

RECEIVER_NAME = "hooks.example.test"


class ScriptedDns:
    """Answers each lookup of RECEIVER_NAME with the next address given, then keeps giving the last."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.lookups = 0

    def __call__(self, host: str, port: int, *_: Any, **__: Any) -> list[tuple[Any, ...]]:
        assert host == RECEIVER_NAME
        self.lookups += 1
        addresses = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]


def _only(allowed: str):  # type: ignore[no-untyped-def]
    """Loopback stands in for the internet here: one loopback address plays public, the rest private."""

    def first_refused(addresses: Iterable[str]) -> str | None:
        return next((a for a in addresses if a != allowed), None)

    return first_refused


def test_a_name_that_resolves_to_a_private_address_is_refused_before_any_connection() -> None:
    dns = ScriptedDns(["127.0.0.1"])
    with receiving() as receiver, client_reaching(CheckedAddresses(private_address, dns)) as client:
        port = receiver.url.split(":")[2].split("/")[0]
        with pytest.raises(httpx.ConnectError) as raised:
            client.post(f"http://{RECEIVER_NAME}:{port}/hook", content=b"{}")
    assert isinstance(raised.value.__cause__, AddressRefused)
    assert str(raised.value) == f"refused: {RECEIVER_NAME} resolves to a private address (127.0.0.1)"
    assert receiver.received == []


def test_one_private_address_among_public_ones_refuses_the_name() -> None:
    dns = ScriptedDns(["93.184.215.14", "10.0.0.7"])
    refused = pytest.raises(httpx.ConnectError, match=r"private address \(10\.0\.0\.7\)")
    with client_reaching(CheckedAddresses(private_address, dns)) as client, refused:
        client.post(f"https://{RECEIVER_NAME}/hook", content=b"{}")


def test_a_name_that_rebinds_after_the_check_is_still_reached_at_the_checked_address() -> None:
    """The DNS rebinding attack: the first answer passes the check, later ones point inside. The delivery
    must go to the address that was checked, never to one looked up again."""
    with receiving("127.0.0.1") as receiver:
        port = int(receiver.url.split(":")[2].split("/")[0])
        with receiving("127.0.0.2", port) as inside:
            dns = ScriptedDns(["127.0.0.1"], ["127.0.0.2"])
            with client_reaching(CheckedAddresses(_only("127.0.0.1"), dns)) as client:
                response = client.post(f"http://{RECEIVER_NAME}:{port}/hook", content=b'{"n":1}')
    assert response.status_code == 200
    assert [r.body for r in receiver.received] == [{"n": 1}]
    assert receiver.received[0].headers["host"] == f"{RECEIVER_NAME}:{port}"
    assert inside.received == []
    assert dns.lookups == 1


def test_the_next_address_is_tried_when_one_does_not_answer() -> None:
    with receiving("127.0.0.1") as receiver:
        port = int(receiver.url.split(":")[2].split("/")[0])
        dns = ScriptedDns(["127.0.0.3", "127.0.0.1"])  # nothing listens on 127.0.0.3
        with client_reaching(CheckedAddresses(lambda _: None, dns)) as client:
            assert client.post(f"http://{RECEIVER_NAME}:{port}/hook", content=b"{}").status_code == 200
    assert len(receiver.received) == 1


def test_a_delivery_to_a_private_address_is_logged_as_refused_and_never_sent(
    db: Db, settings: Settings
) -> None:
    """Through the activity, the real resolver and the database: `localhost` is loopback, so refused."""
    organizer = db.member("org@example.org", role=Role.ORGANIZER)
    sealer = Sealer(settings.payload_key)
    with receiving() as receiver, webhook_client(may_reach_private_addresses=False) as client:
        port = receiver.url.split(":")[2].split("/")[0]
        delivery_id = _pending_delivery(db, sealer, f"http://localhost:{port}/hook", organizer.id)
        outcome = WebhookStore(db.sessions, client, sealer).send_webhook(
            Attempt(delivery_id, datetime.now(UTC), failures_before=0)
        )
    assert not outcome.delivered
    assert outcome.error is not None and outcome.error.startswith("refused: localhost resolves to a private")
    delivery = db.get(WebhookDelivery, delivery_id)
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.PENDING, outcome.error)
    assert receiver.received == []


def _pending_delivery(db: Db, sealer: Sealer, url: str, organizer_id: int) -> int:
    now = datetime.now(UTC)
    with db.sessions.begin() as s:
        endpoint = WebhookEndpoint(
            url=url,
            description="CRM",
            event_types=["member.signed_up"],
            secret_sealed=sealer.seal("whsec_test"),
            created_by_id=organizer_id,
            created_at=now,
        )
        event = Event(
            at=now, kind="member.signed_up", subject_type="member", subject_id=organizer_id, payload={}
        )
        s.add(endpoint)
        s.flush()
        s.add(event)  # recording the event queues its delivery to every endpoint that subscribed to it
        s.flush()
        queued: int = s.scalars(
            select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id)
        ).one()
        return queued
