"""Vouching rules, in the manner of Kubernetes sponsors and Debian advocates: who may vouch, how often,
and when a member has enough vouches. Pure: the facts are gathered elsewhere."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class Relation(enum.StrEnum):
    WORKED_TOGETHER = "worked-together"
    MET_AT_EVENT = "met-at-event"
    ORGANIZER_INTERVIEW = "organizer-interview"


class VouchPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    required: Annotated[int, Field(ge=1, le=10)] = 2
    distinct_chapters: Annotated[int, Field(ge=1, le=10)] = 2
    budget_per_30_days: Annotated[int, Field(ge=1, le=100)] = 5
    expiry_days: Annotated[int, Field(ge=30, le=3650)] = 365
    min_voucher_level: Annotated[int, Field(ge=0, le=10)] = 1  # index into the trust levels
    min_voucher_age_days: Annotated[int, Field(ge=0, le=3650)] = 30
    # Each suspended vouchee costs their vouchers this much budget, recovered one unit per 30 days.
    penalty_per_suspension: Annotated[int, Field(ge=0, le=100)] = 2
    # The share of vouching accounts whose pattern looks most ring-like goes to the review queue.
    ring_review_share: Annotated[float, Field(gt=0, le=0.5)] = 0.05


@dataclass(frozen=True)
class VoucherFacts:
    """What the server knows of the voucher when they vouch (never taken from the request)."""

    voucher_id: int
    level: int
    level_name: str
    account_age_days: int
    vouches_last_30_days: int
    penalty: int = 0
    chapter_id: int | None = None
    suspended: bool = False


@dataclass(frozen=True)
class VouchRequest:
    voucher: VoucherFacts
    statement: str
    relation: Relation
    policy: VouchPolicy
    level_names: tuple[str, ...]


@dataclass(frozen=True)
class Revocation:
    voucher_id: int
    policy: VouchPolicy


@dataclass(frozen=True)
class VouchOutcome:
    vouches: int
    enough: bool


@dataclass(frozen=True)
class Vouch:
    voucher_id: int
    chapter_id: int | None
    relation: Relation


@dataclass(frozen=True)
class Suspension:
    organizer_id: int
    reason: str
    penalty_points: int  # the policy's cost to each voucher, fixed when the organizer acts


@dataclass(frozen=True)
class Reinstatement:
    organizer_id: int
    reason: str


@dataclass(frozen=True)
class SuspensionOutcome:
    """Who stood behind the member, so each can be told, and how many other members went for review."""

    voucher_ids: tuple[int, ...]
    queued_for_review: int


@dataclass(frozen=True)
class Penalty:
    points: int
    at: datetime


def suspension_refusal(already_suspended: bool, change: Suspension | Reinstatement) -> str | None:
    if len(change.reason.strip()) < 10:
        return "Give the reason in a sentence (at least 10 characters); the member and the record keep it."
    if isinstance(change, Suspension) and already_suspended:
        return "This member is already suspended."
    if isinstance(change, Reinstatement) and not already_suspended:
        return "This member is not suspended."
    return None


def penalty(penalties: Sequence[Penalty], now: datetime) -> int:
    """Capacity still lost to suspended vouchees: each penalty shrinks by one point per 30 days."""
    return sum(max(p.points - (now - p.at).days // 30, 0) for p in penalties)


def budget(facts: VoucherFacts, policy: VouchPolicy) -> int:
    return max(policy.budget_per_30_days - facts.penalty, 0)


def refusal(request: VouchRequest, vouchee_id: int, existing: Sequence[Vouch], suspended: bool) -> str | None:
    """Why this vouch must be refused, or None when it may be recorded."""
    voucher, policy, level_names = request.voucher, request.policy, request.level_names
    if voucher.voucher_id == vouchee_id:
        return "You cannot vouch for yourself."
    if suspended:
        return "This member is suspended; vouches are closed until an organizer lifts the suspension."
    if any(v.voucher_id == voucher.voucher_id for v in existing):
        return "You have already vouched for this member."
    if reason := voucher_refusal(voucher, policy, level_names):
        return reason
    if not request.statement.strip():
        return "Say in a sentence how you know their work."
    return None


def voucher_refusal(voucher: VoucherFacts, policy: VouchPolicy, level_names: Sequence[str]) -> str | None:
    """Why this member cannot vouch for anyone right now, or None."""
    if voucher.suspended:
        return "Your membership is suspended, so you cannot vouch for anyone."
    if voucher.level < policy.min_voucher_level:
        needed = level_names[policy.min_voucher_level]
        return f"Vouching needs the level '{needed}'; you are '{voucher.level_name}'."
    if voucher.account_age_days < policy.min_voucher_age_days:
        wait = policy.min_voucher_age_days - voucher.account_age_days
        return f"Accounts can vouch after {policy.min_voucher_age_days} days; yours can in {wait} more."
    if voucher.vouches_last_30_days >= budget(voucher, policy):
        return (
            f"You have used your {budget(voucher, policy)} vouches for the last 30 days"
            + (" (reduced after a vouchee was suspended)" if voucher.penalty else "")
            + "; try again later."
        )
    return None


def requirement_met(vouches: Sequence[Vouch], policy: VouchPolicy) -> bool:
    chapters = {v.chapter_id if v.chapter_id is not None else f"unaffiliated-{v.voucher_id}" for v in vouches}
    return len(vouches) >= policy.required and len(chapters) >= policy.distinct_chapters
