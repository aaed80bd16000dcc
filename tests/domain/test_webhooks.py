"""Signing, backing off, breaking the circuit and pacing, as receivers and senders rely on them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain import webhooks
from domain.webhooks import Breaker, LedgerFacts, RateWindow

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def test_a_signature_verifies_only_for_the_same_secret_body_and_a_fresh_time() -> None:
    body = b'{"type":"member.signed_up"}'
    header = webhooks.signature("whsec_one", 1_800_000_000, body)
    assert header.startswith("t=1800000000,v1=")
    assert webhooks.verify("whsec_one", header, body, now=1_800_000_100)
    assert not webhooks.verify("whsec_two", header, body, now=1_800_000_100)
    assert not webhooks.verify("whsec_one", header, body + b" ", now=1_800_000_100)
    assert not webhooks.verify("whsec_one", header, body, now=1_800_000_000 + 301), "too old: a replay"
    assert not webhooks.verify("whsec_one", "v1=abc", body, now=1_800_000_000)


def test_the_body_carries_ids_and_states_but_never_free_text() -> None:
    facts = LedgerFacts(
        7,
        "trust.level_changed",
        NOW,
        "member",
        3,
        None,
        {"from": "newcomer", "to": "contributor", "action": "promote", "reason": "Ada's 3 vouches"},
    )
    body = webhooks.body(facts, delivery_id=11)
    assert body == {
        "id": "evt_7",
        "type": "member.level_changed",
        "occurred_at": NOW.isoformat(),
        "delivery_id": 11,
        "data": {"member_id": 3, "from": "newcomer", "to": "contributor", "action": "promote"},
    }
    lapsed = webhooks.body(LedgerFacts(8, "access.lapsed", NOW, "member", 3, None, {"target": "repo-x"}), 12)
    assert lapsed["type"] == "access.revoked" and lapsed["data"]["reason"] == "lapsed"
    assert webhooks.announced_type("mail.welcome_sent") is None


def test_backoff_grows_to_six_hours_and_honours_retry_after() -> None:
    waits = [webhooks.backoff(n) for n in range(1, 9)]
    assert waits[:4] == [timedelta(seconds=s) for s in (30, 120, 480, 1920)]
    assert waits[-1] == timedelta(hours=6) and waits == sorted(waits)
    assert webhooks.backoff(1, retry_after=600) == timedelta(minutes=10)


def test_the_breaker_opens_after_five_failures_and_doubles_its_cool_down_when_the_test_fails() -> None:
    breaker = Breaker()
    assert [breaker.failed(NOW) for _ in range(5)] == [False] * 4 + [True]
    assert breaker.open_until == NOW + timedelta(minutes=1)
    assert not breaker.allows(NOW + timedelta(seconds=59)) and breaker.allows(NOW + timedelta(minutes=1))
    later = NOW + timedelta(minutes=1)
    assert breaker.failed(later), "half open: one failure opens it again"
    assert breaker.open_until == later + timedelta(minutes=2)
    breaker.succeeded()
    assert (breaker.failures, breaker.opened, breaker.open_until) == (0, 0, None)
    for _ in range(40):
        breaker.failed(NOW)
    assert breaker.open_until == NOW + webhooks.LONGEST_COOL_DOWN


def test_the_rate_window_allows_so_many_a_minute() -> None:
    window = RateWindow(2)
    for second in (0, 1):
        assert window.wait(NOW + timedelta(seconds=second)) == timedelta(0)
        window.record(NOW + timedelta(seconds=second))
    assert window.wait(NOW + timedelta(seconds=30)) == timedelta(seconds=30)
    assert window.wait(NOW + timedelta(seconds=60)) == timedelta(0)


def test_private_addresses_are_named() -> None:
    assert webhooks.private_address(["93.184.215.14", "10.0.0.7"]) == "10.0.0.7"
    assert webhooks.private_address(["::1"]) == "::1"
    assert webhooks.private_address(["169.254.169.254"]) == "169.254.169.254"
    assert webhooks.private_address(["93.184.215.14"]) is None
