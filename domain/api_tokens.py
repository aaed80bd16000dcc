"""API tokens: what each scope lets an integration do, and how tokens are made and recognised."""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass

TOKEN_PREFIX = "pnl_"  # noqa: S105  (not a secret) recognisable by secret scanners and people alike
SHOWN_CHARACTERS = 8


class Scope(enum.StrEnum):
    READ_MEMBERS = "members:read"
    WRITE_MEMBERS = "members:write"
    WRITE_EVENTS = "events:write"
    MANAGE_WEBHOOKS = "webhooks:manage"


SCOPE_HELP = {
    Scope.READ_MEMBERS: "read members and their timelines; export members and events as CSV",
    Scope.WRITE_MEMBERS: "import members from CSV",
    Scope.WRITE_EVENTS: "post contributions (canvassing shifts, events attended, ...) and import them",
    Scope.MANAGE_WEBHOOKS: "subscribe, change and replay outbound webhooks",
}


@dataclass(frozen=True)
class NewToken:
    plaintext: str  # shown once, never stored
    prefix: str
    digest: str


def digest(plaintext: str) -> str:
    # A token carries 256 random bits, so a fast hash is enough: there is nothing to guess by brute force.
    return hashlib.sha256(plaintext.encode()).hexdigest()


def new_token() -> NewToken:
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return NewToken(plaintext, plaintext[: len(TOKEN_PREFIX) + SHOWN_CHARACTERS], digest(plaintext))


def looks_like_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX) and 20 < len(value) < 200
