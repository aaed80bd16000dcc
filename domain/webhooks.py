"""Outbound webhooks: which ledger events are announced, what each says, how it is signed, and how a
sender backs off and breaks the circuit so a struggling receiver is never hammered."""

from __future__ import annotations

import enum
import hashlib
import hmac
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

SIGNATURE_HEADER = "Perennial-Signature"
MAX_ATTEMPTS = 8
FAILURES_TO_OPEN = 5
FIRST_COOL_DOWN = timedelta(minutes=1)
LONGEST_COOL_DOWN = timedelta(hours=1)
# Receivers should refuse a signature older than this: a captured delivery cannot be replayed later.
SIGNATURE_TOLERANCE = timedelta(minutes=5)


class EventType(enum.StrEnum):
    MEMBER_SIGNED_UP = "member.signed_up"
    MEMBER_VOUCHED = "member.vouched"
    LEVEL_CHANGED = "member.level_changed"
    ACCESS_GRANTED = "access.granted"
    ACCESS_REVOKED = "access.revoked"
    MENTORSHIP_MILESTONE = "mentorship.milestone"
    MEMBER_RETURNED = "member.returned"


# Ledger kind -> announced type, and the payload fields that may leave: ids and states, never a name,
# email or free-text reason. Receivers fetch more with a members:read token if they need it.
ANNOUNCED: dict[str, tuple[EventType, tuple[str, ...]]] = {
    "member.signed_up": (EventType.MEMBER_SIGNED_UP, ("chapter_id",)),
    "vouch.given": (EventType.MEMBER_VOUCHED, ("relation",)),
    "trust.level_changed": (EventType.LEVEL_CHANGED, ("from", "to", "action")),
    "access.active": (EventType.ACCESS_GRANTED, ("grant_id", "target", "permission")),
    "access.revoked": (EventType.ACCESS_REVOKED, ("grant_id", "target", "permission")),
    "access.lapsed": (EventType.ACCESS_REVOKED, ("grant_id", "target", "permission")),
    "mentorship.milestone": (EventType.MENTORSHIP_MILESTONE, ("milestone",)),
    "member.returned": (EventType.MEMBER_RETURNED, ()),
}


def announced_type(ledger_kind: str) -> EventType | None:
    entry = ANNOUNCED.get(ledger_kind)
    return entry[0] if entry else None


@dataclass(frozen=True)
class LedgerFacts:
    event_id: int
    kind: str
    at: datetime
    subject_type: str
    subject_id: int
    actor_id: int | None
    payload: Mapping[str, Any]


def body(facts: LedgerFacts, delivery_id: int) -> dict[str, Any]:
    announced, fields = ANNOUNCED[facts.kind]
    data: dict[str, Any] = {f"{facts.subject_type}_id": facts.subject_id}
    if announced is EventType.MEMBER_VOUCHED and facts.actor_id is not None:
        data["voucher_id"] = facts.actor_id
    if announced is EventType.ACCESS_REVOKED:
        data["reason"] = "lapsed" if facts.kind == "access.lapsed" else "revoked"
    data.update({name: facts.payload[name] for name in fields if name in facts.payload})
    return {
        "id": f"evt_{facts.event_id}",
        "type": announced.value,
        "occurred_at": facts.at.isoformat(),
        "delivery_id": delivery_id,
        "data": data,
    }


def signature(secret: str, timestamp: int, payload: bytes) -> str:
    """`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as Stripe and others sign."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, payload: bytes, now: int) -> bool:
    """What a receiver does (and what our tests do): check the MAC in constant time, and the age."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = signature(secret, timestamp, payload)
    fresh = abs(now - timestamp) <= SIGNATURE_TOLERANCE.total_seconds()
    return fresh and hmac.compare_digest(expected, f"t={timestamp},v1={parts.get('v1', '')}")


def backoff(failures: int, retry_after: int | None = None) -> timedelta:
    """Wait before the next try: 30 s, 2 min, 8 min, 32 min, ... at most 6 hours; longer if asked."""
    wait = min(timedelta(seconds=30 * 4 ** (failures - 1)), timedelta(hours=6))
    return max(wait, timedelta(seconds=retry_after or 0))


@dataclass
class Breaker:
    """A circuit breaker per endpoint: after consecutive failures stop sending for a cool-down that
    doubles each time it opens again, then let one delivery through to test the water."""

    failures: int = 0
    opened: int = 0  # times opened in a row, for the doubling
    open_until: datetime | None = None

    def allows(self, now: datetime) -> bool:
        return self.open_until is None or now >= self.open_until

    def succeeded(self) -> None:
        self.failures, self.opened, self.open_until = 0, 0, None

    def failed(self, now: datetime) -> bool:
        """Count a failure; True if this one opened the circuit."""
        self.failures += 1
        half_open = self.opened > 0 and self.open_until is not None
        if self.failures < FAILURES_TO_OPEN and not half_open:
            return False
        cool_down = min(FIRST_COOL_DOWN * 2**self.opened, LONGEST_COOL_DOWN)
        self.opened += 1
        self.open_until = now + cool_down
        return True


@dataclass
class RateWindow:
    """At most `per_minute` sends in any 60 seconds."""

    per_minute: int
    sent: list[datetime] = field(default_factory=list)

    def wait(self, now: datetime) -> timedelta:
        self.sent = [at for at in self.sent if now - at < timedelta(minutes=1)]
        if len(self.sent) < self.per_minute:
            return timedelta(0)
        return self.sent[0] + timedelta(minutes=1) - now

    def record(self, now: datetime) -> None:
        self.sent.append(now)


def private_address(addresses: Iterable[str]) -> str | None:
    """The first address a request must not reach from a server (loopback, private, link-local...)."""
    for text in addresses:
        address = ipaddress.ip_address(text)
        if not address.is_global:
            return text
    return None
