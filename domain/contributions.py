"""Contributions, the second axis of trust beside vouches: what someone did, decaying with time.

A contribution is a ledger event of a contributing kind (`contribution.<kind>`), recorded by an
organizer, an integration or, later, read from GitHub. Recent work counts most: each contribution's
weight halves every `half_life_days`, so a member active last month outranks one active two years ago.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

LEDGER_PREFIX = "contribution."


class ContributionKind(enum.StrEnum):
    COMMIT = "commit"
    PR_MERGED = "pr_merged"
    REVIEW = "review"
    ISSUE = "issue"
    EVENT_ATTENDED = "event_attended"
    MENTORING_SESSION = "mentoring_session"
    ORGANIZING_TASK = "organizing_task"
    # Campaign work that organizing tools (Mobilize, Action Network, dialers) record and post here.
    CANVASS_SHIFT = "canvass_shift"
    PHONE_BANK_SHIFT = "phone_bank_shift"

    @property
    def ledger_kind(self) -> str:
        return LEDGER_PREFIX + self.value


# A review or a mentoring session asks more of someone's judgement than a single commit does.
WEIGHTS = {
    ContributionKind.COMMIT: 0.5,
    ContributionKind.PR_MERGED: 2.0,
    ContributionKind.REVIEW: 1.5,
    ContributionKind.ISSUE: 0.5,
    ContributionKind.EVENT_ATTENDED: 1.0,
    ContributionKind.MENTORING_SESSION: 2.0,
    ContributionKind.ORGANIZING_TASK: 1.0,
    ContributionKind.CANVASS_SHIFT: 1.0,
    ContributionKind.PHONE_BANK_SHIFT: 1.0,
}
COUNTED_WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class Contribution:
    kind: ContributionKind
    at: datetime


@dataclass(frozen=True)
class ActivitySignals:
    contributions: int  # in the last year
    activity: float  # weighted, decayed score


def kind_of(ledger_kind: str) -> ContributionKind | None:
    if not ledger_kind.startswith(LEDGER_PREFIX):
        return None
    try:
        return ContributionKind(ledger_kind.removeprefix(LEDGER_PREFIX))
    except ValueError:
        return None


def signals(
    contributions: Iterable[Contribution], now: datetime, half_life_days: float = 90
) -> ActivitySignals:
    count, score = 0, 0.0
    for c in contributions:
        age = now - c.at
        if age < timedelta(0):
            continue  # a clock ahead of ours: count it once it has happened
        if age <= COUNTED_WINDOW:
            count += 1
        score += WEIGHTS[c.kind] * 0.5 ** (age.total_seconds() / 86_400 / half_life_days)
    return ActivitySignals(count, round(score, 3))
