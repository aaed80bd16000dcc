"""More retention views, defined here and on the dashboard page:

- **Funnel**: for each rung in order, how many people reached it, the conversion from the rung before
  (among those who reached that one), and the median days between the two rungs.
- **Election cycles**: for each election day, the people active in its window (by default the 6 months
  up to and including the day) and the share of them active again in the next cycle's window.
- **Mentorship effect**: the share of mentored and of not-mentored newcomers still contributing
  6 months after their first contribution, each with a 95% Wilson interval (scipy).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from scipy.stats import binomtest

from domain.retention import Contribution, Span


@dataclass(frozen=True)
class Rung:
    name: str
    people: int
    conversion: float | None  # from the rung before; None for the first
    median_days: float | None  # from the rung before, among people who reached both


@dataclass(frozen=True)
class Step:
    """What one rung of the funnel needs, however it was counted (ledger or rollup)."""

    people: int  # reached this rung
    before: int  # reached the rung before
    both: int  # reached both
    days: Sequence[float]  # from the rung before to this one, for each of `both`


def funnel(reached: Mapping[str, Mapping[str, datetime]], rungs: Sequence[str]) -> list[Rung]:
    """`reached[person][rung]` is when the person first reached the rung."""
    steps = []
    for n, rung in enumerate(rungs):
        here = {p for p, times in reached.items() if rung in times}
        before = {p for p, times in reached.items() if n and rungs[n - 1] in times}
        both = here & before
        days = [(reached[p][rung] - reached[p][rungs[n - 1]]).total_seconds() / 86_400 for p in both]
        steps.append(Step(len(here), len(before), len(both), days))
    return funnel_from(rungs, steps)


def funnel_from(rungs: Sequence[str], steps: Sequence[Step]) -> list[Rung]:
    result = [Rung(rungs[0], steps[0].people, None, None)] if rungs else []
    for rung, step in zip(rungs[1:], steps[1:], strict=True):
        conversion = round(step.both / step.before, 4) if step.before else None
        median = round(float(np.median(step.days)), 1) if len(step.days) else None
        result.append(Rung(rung, step.people, conversion, median))
    return result


@dataclass(frozen=True)
class Cycle:
    election: date
    active: int
    returned_next: int | None  # active again in the next cycle's window; None for the last cycle
    share_returned: float | None


Window = tuple[date, datetime, datetime]  # election day, and the (start, end] of its window, naive UTC


def cycle_windows(elections: Sequence[date], window_days: int) -> list[Window]:
    """Each election's window: the `window_days` up to and including election day."""
    ends = [(day, datetime.combine(day, datetime.max.time())) for day in sorted(elections)]
    return [(day, end - timedelta(days=window_days), end) for day, end in ends]


def elections_counting(at: datetime, windows: Sequence[Window]) -> list[date]:
    """The elections whose window holds `at`."""
    moment = at.replace(tzinfo=None)
    return [day for day, start, end in windows if start < moment <= end]


def cycles(
    contributions: Sequence[Contribution], elections: Sequence[date], window_days: int = 183
) -> list[Cycle]:
    ordered = sorted(elections)
    windows = cycle_windows(ordered, window_days)
    present: dict[date, set[str]] = {day: set() for day in ordered}
    for c in contributions:
        for day in elections_counting(c.at, windows):
            present[day].add(c.person)
    back = {day: len(present[day] & present[after]) for day, after in pairwise(ordered)}
    return cycle_table(ordered, {day: len(people) for day, people in present.items()}, back)


def cycle_table(ordered: Sequence[date], active: Mapping[date, int], back: Mapping[date, int]) -> list[Cycle]:
    """`back[day]` counts the people active in `day`'s window and again in the next one's."""
    result = []
    for day in ordered:
        if day in back:
            share = round(back[day] / active[day], 4) if active[day] else None
            result.append(Cycle(day, active[day], back[day], share))
        else:
            result.append(Cycle(day, active[day], None, None))
    return result


@dataclass(frozen=True)
class Share:
    group: str
    people: int
    retained: int
    share: float | None
    low: float | None
    high: float | None


def mentorship_effect(
    spans: Sequence[Span], mentored: set[str], as_of: datetime, months: int = 6
) -> list[Share]:
    horizon = timedelta(days=round(30.44 * months))
    eligible = [s for s in spans if s.first + horizon <= as_of]
    groups = {
        "mentored": [s for s in eligible if s.person in mentored],
        "not mentored": [s for s in eligible if s.person not in mentored],
    }
    shares = []
    for name, people in groups.items():
        kept = sum(1 for s in people if s.last >= s.first + horizon)
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
