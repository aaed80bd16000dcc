"""More retention views, defined here and on the dashboard page:

- **Funnel**: for each rung in order, how many people reached it, the conversion from the rung before
  (among those who reached that one), and the median days between the two rungs.
- **Election cycles**: for each election day, the people active in its window (by default the 6 months
  up to and including the day) and the share of them active again in the next cycle's window.
- **Mentorship effect**: the share of mentored and of not-mentored newcomers still contributing
  6 months after their first contribution, each with a 95% Wilson interval (scipy).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from scipy.stats import binomtest

from domain.retention import Contribution


@dataclass(frozen=True)
class Rung:
    name: str
    people: int
    conversion: float | None  # from the rung before; None for the first
    median_days: float | None  # from the rung before, among people who reached both


def funnel(reached: Mapping[str, Mapping[str, datetime]], rungs: Sequence[str]) -> list[Rung]:
    """`reached[person][rung]` is when the person first reached the rung."""
    result = []
    for n, rung in enumerate(rungs):
        here = {p for p, times in reached.items() if rung in times}
        if n == 0:
            result.append(Rung(rung, len(here), None, None))
            continue
        before = {p for p, times in reached.items() if rungs[n - 1] in times}
        both = here & before
        days = [(reached[p][rung] - reached[p][rungs[n - 1]]).total_seconds() / 86_400 for p in both]
        conversion = round(len(both) / len(before), 4) if before else None
        result.append(Rung(rung, len(here), conversion, round(statistics.median(days), 1) if days else None))
    return result


@dataclass(frozen=True)
class Cycle:
    election: date
    active: int
    returned_next: int | None  # active again in the next cycle's window; None for the last cycle
    share_returned: float | None


def cycles(
    contributions: Sequence[Contribution], elections: Sequence[date], window_days: int = 183
) -> list[Cycle]:
    ordered = sorted(elections)
    windows = [_active_in(contributions, day, window_days) for day in ordered]
    result = []
    for n, day in enumerate(ordered):
        active = windows[n]
        if n + 1 < len(ordered):
            back = len(active & windows[n + 1])
            share = round(back / len(active), 4) if active else None
            result.append(Cycle(day, len(active), back, share))
        else:
            result.append(Cycle(day, len(active), None, None))
    return result


def _active_in(contributions: Sequence[Contribution], election: date, window_days: int) -> set[str]:
    end = datetime.combine(election, datetime.max.time()).replace(tzinfo=None)
    start = end - timedelta(days=window_days)
    return {c.person for c in contributions if start < c.at.replace(tzinfo=None) <= end}


@dataclass(frozen=True)
class Share:
    group: str
    people: int
    retained: int
    share: float | None
    low: float | None
    high: float | None


def mentorship_effect(
    contributions: Sequence[Contribution], mentored: set[str], as_of: datetime, months: int = 6
) -> list[Share]:
    first: dict[str, datetime] = {}
    last: dict[str, datetime] = {}
    for c in contributions:
        first[c.person] = min(first.get(c.person, c.at), c.at)
        last[c.person] = max(last.get(c.person, c.at), c.at)
    horizon = timedelta(days=round(30.44 * months))
    eligible = [p for p, start in first.items() if start + horizon <= as_of]
    groups = {
        "mentored": [p for p in eligible if p in mentored],
        "not mentored": [p for p in eligible if p not in mentored],
    }
    shares = []
    for name, people in groups.items():
        kept = sum(1 for p in people if last[p] >= first[p] + horizon)
        if not people:
            shares.append(Share(name, 0, 0, None, None, None))
            continue
        interval = binomtest(kept, len(people)).proportion_ci(confidence_level=0.95, method="wilson")
        shares.append(
            Share(
                name,
                len(people),
                kept,
                round(kept / len(people), 4),
                round(interval.low, 4),
                round(interval.high, 4),
            )
        )
    return shares


class RetentionPolicy(BaseModel):
    """What organizers decide about retention reporting (the `[retention]` table of the policy file)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    elections: tuple[date, ...] = ()
    cycle_window_days: Annotated[int, Field(ge=30, le=730)] = 183
    min_cell_size: Annotated[int, Field(ge=1, le=100)] = 5  # smaller groups are suppressed for funders
    bot_suffixes: tuple[str, ...] = ("[bot]",)
