"""The funnel's rungs and which ledger events reach them. The first rung is signing up; the access rungs
count the first time a member held at least that permission anywhere."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.access import Permission
from domain.contributions import LEDGER_PREFIX

ACCESS_RUNGS = tuple(f"access: {p.value}" for p in Permission)
RUNGS = ("signed up", "code of conduct", "vouched", "first contribution", "mentored", *ACCESS_RUNGS)
KINDS = ("member.signed_up", "journey.step_completed", "vouch.given", "mentorship.active", "access.active")

_SIMPLE = {"member.signed_up": "signed up", "vouch.given": "vouched", "mentorship.active": "mentored"}


def rungs_reached(kind: str, payload: Mapping[str, Any]) -> tuple[str, ...]:
    """The rungs a member reaches with an event about them (none for most events)."""
    if kind in _SIMPLE:
        return (_SIMPLE[kind],)
    if kind == "journey.step_completed":
        return ("code of conduct",) if payload.get("step") == "code_of_conduct" else ()
    if kind.startswith(LEDGER_PREFIX):
        return ("first contribution",)
    if kind == "access.active":
        try:
            held = Permission(str(payload.get("permission"))).rank
        except ValueError:
            return ()
        return ACCESS_RUNGS[: held + 1]
    return ()
