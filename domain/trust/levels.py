"""Trust levels in the manner of Discourse: each requirement a named threshold, deciding apart from doing.

`evaluate` decides from facts gathered elsewhere and explains itself: the level, what to do (keep,
promote, wait for an organizer, warn, demote), why, and a checklist of (requirement, value, required)
rows for the member's page. To keep a level a member needs only a fraction of its thresholds (the
low-water mark), so nobody flips between levels; falling below it starts a warning, and only after the
grace period does demotion follow.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Metric(enum.StrEnum):
    VOUCHES = "vouches"
    VOUCH_CHAPTERS = "vouch_chapters"
    ACCOUNT_AGE_DAYS = "account_age_days"
    ADVOGATO_LEVEL = "advogato_level"
    RANK_PERCENTILE = "rank_percentile"
    ACTIVITY = "activity"
    CONTRIBUTIONS = "contributions"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Metric.VOUCHES: "Vouches from members",
    Metric.VOUCH_CHAPTERS: "Chapters your vouches come from",
    Metric.ACCOUNT_AGE_DAYS: "Days since you joined",
    Metric.ADVOGATO_LEVEL: "Certification level (1 apprentice, 2 journeyer, 3 master)",
    Metric.RANK_PERCENTILE: "Trust rank percentile",
    Metric.ACTIVITY: "Recent activity score",
    Metric.CONTRIBUTIONS: "Contributions (merged PRs, reviews, events)",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Requirement(_Frozen):
    metric: Metric
    at_least: Annotated[float, Field(ge=0)]


class LevelRule(_Frozen):
    name: Annotated[str, Field(min_length=1, max_length=40)]
    requires: tuple[Requirement, ...] = ()
    needs_approval: bool = False


def _req(metric: Metric, at_least: float) -> Requirement:
    return Requirement(metric=metric, at_least=at_least)


DEFAULT_LEVELS = (
    LevelRule(name="newcomer"),
    LevelRule(
        name="member",
        requires=(_req(Metric.VOUCHES, 2), _req(Metric.VOUCH_CHAPTERS, 2), _req(Metric.ADVOGATO_LEVEL, 1)),
    ),
    LevelRule(
        name="contributor",
        requires=(
            _req(Metric.ADVOGATO_LEVEL, 1),
            _req(Metric.CONTRIBUTIONS, 1),
            _req(Metric.ACCOUNT_AGE_DAYS, 14),
        ),
    ),
    LevelRule(
        name="trusted",
        requires=(
            _req(Metric.ADVOGATO_LEVEL, 2),
            _req(Metric.ACTIVITY, 5),
            _req(Metric.ACCOUNT_AGE_DAYS, 90),
            _req(Metric.RANK_PERCENTILE, 50),
        ),
    ),
    LevelRule(
        name="steward",
        requires=(_req(Metric.ADVOGATO_LEVEL, 3), _req(Metric.ACCOUNT_AGE_DAYS, 365)),
        needs_approval=True,
    ),
)


class LevelsPolicy(_Frozen):
    levels: tuple[LevelRule, ...] = DEFAULT_LEVELS
    keep_fraction: Annotated[float, Field(gt=0, le=1)] = 0.8
    demotion_grace_days: Annotated[int, Field(ge=0, le=365)] = 14

    @model_validator(mode="after")
    def _well_formed(self) -> Self:
        names = [level.name for level in self.levels]
        if len(names) < 2 or len(set(names)) != len(names):
            raise ValueError("trust levels need at least two levels with distinct names")
        if self.levels[0].requires or self.levels[0].needs_approval:
            raise ValueError(
                f"the first level ('{names[0]}') is where everyone starts: give it no requirements"
            )
        return self


class Action(enum.StrEnum):
    KEEP = "keep"
    PROMOTE = "promote"
    AWAIT_APPROVAL = "await_approval"
    WARN = "warn"
    DEMOTE = "demote"


@dataclass(frozen=True)
class TrustFacts:
    values: Mapping[Metric, float]
    level: int  # index of the level held now
    now: datetime
    approved_for: frozenset[str] = frozenset()
    warned_at: datetime | None = None
    suspended: bool = False


@dataclass(frozen=True)
class Row:
    requirement: str
    value: float
    required: float
    met: bool


@dataclass(frozen=True)
class Decision:
    level: int
    name: str
    action: Action
    reason: str
    holding: tuple[Row, ...] = ()  # why I am here: the current level's keep thresholds
    next_level: str | None = None
    missing: tuple[Row, ...] = field(default=())  # what the next level still needs


def evaluate(facts: TrustFacts, policy: LevelsPolicy) -> Decision:
    levels = policy.levels
    current = min(facts.level, len(levels) - 1)
    if facts.suspended:
        reason = "Suspended by an organizer; your level returns once the suspension is lifted."
        return _decision(facts, policy, 0, Action.DEMOTE if current else Action.KEEP, reason, ())
    reached = _highest_met(facts, levels, 1.0)
    if reached > current:
        return _promotion(facts, policy, current, reached)
    holding = _rows(facts, levels[current], policy.keep_fraction)
    if all(row.met for row in holding):
        return _decision(facts, policy, current, Action.KEEP, f"You hold {levels[current].name}.", holding)
    failing = ", ".join(f"{r.requirement} {r.value:g} < {r.required:g}" for r in holding if not r.met)
    grace = timedelta(days=policy.demotion_grace_days)
    if facts.warned_at is None or facts.now - facts.warned_at < grace:
        warned = facts.warned_at or facts.now
        until = (warned + grace).date().isoformat()
        reason = f"Below {levels[current].name} ({failing}); unless that recovers, this changes on {until}."
        return _decision(facts, policy, current, Action.WARN, reason, holding)
    lower = _highest_met(facts, levels[:current], policy.keep_fraction)
    reason = f"Moved to {levels[lower].name}: {failing} after {policy.demotion_grace_days} days' notice."
    return _decision(
        facts, policy, lower, Action.DEMOTE, reason, _rows(facts, levels[lower], policy.keep_fraction)
    )


def _promotion(facts: TrustFacts, policy: LevelsPolicy, current: int, reached: int) -> Decision:
    levels = policy.levels
    target = reached
    while (
        levels[target].needs_approval and levels[target].name not in facts.approved_for and target > current
    ):
        target -= 1
    holding = _rows(facts, levels[target], 1.0)
    if target == current:
        reason = (
            f"You meet every requirement of {levels[reached].name}; an organizer's approval is the last step."
        )
        return _decision(facts, policy, current, Action.AWAIT_APPROVAL, reason, holding)
    return _decision(facts, policy, target, Action.PROMOTE, f"Promoted to {levels[target].name}.", holding)


def _decision(
    facts: TrustFacts, policy: LevelsPolicy, level: int, action: Action, reason: str, holding: tuple[Row, ...]
) -> Decision:
    following = policy.levels[level + 1] if level + 1 < len(policy.levels) else None
    missing = tuple(r for r in _rows(facts, following, 1.0) if not r.met) if following else ()
    if following and following.needs_approval and following.name not in facts.approved_for:
        missing += (Row("An organizer's approval", 0.0, 1.0, False),)
    return Decision(
        level,
        policy.levels[level].name,
        action,
        reason,
        holding,
        following.name if following else None,
        missing,
    )


def _highest_met(facts: TrustFacts, levels: tuple[LevelRule, ...], fraction: float) -> int:
    highest = 0
    for index, rule in enumerate(levels):
        if not all(row.met for row in _rows(facts, rule, fraction)):
            break
        highest = index
    return highest


def _rows(facts: TrustFacts, rule: LevelRule, fraction: float) -> tuple[Row, ...]:
    rows = []
    for req in rule.requires:
        value = float(facts.values.get(req.metric, 0.0))
        required = req.at_least * fraction
        rows.append(Row(req.metric.label, value, required, value >= required))
    return tuple(rows)
