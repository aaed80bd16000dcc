"""Retention metrics over contributions, each defined in one place (and on the dashboard page):

- **Cohort**: the UTC calendar month of a person's first contribution. Retention in month k is the share
  of the cohort with at least one contribution in the k-th calendar month after it (k = 0..24, only
  months up to the as-of month).
- **Long-term contributor rate** for T years (Bao et al.): among people whose first contribution is at
  least T years before the as-of date, the share whose first-to-last span is at least T years.
- **Survival** of "still contributing" (Kaplan-Meier, lifelines): a person has left once 12 months pass
  without a contribution; their time is first-to-last contribution. Everyone else is censored at the
  as-of date. Estimates at 1, 2 and 3 years with 95% confidence intervals.
- **Absence factor**: the smallest number of people who together made 50% of contributions.
- **Core / regular / casual**: people in order of contributions; core made the first 80%, regular the
  next 15%, casual the last 5%.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

LEFT_AFTER = timedelta(days=365)  # twelve months without a contribution
MONTHS = 25
YEARS = (1, 2, 3)


@dataclass(frozen=True)
class Contribution:
    person: str
    at: datetime


IDENTITY_CLAIMED = "identity.claimed"  # the ledger event that moves an identity's work to its member


def person_key(subject_type: str, subject_id: int, claimed: Mapping[int, int]) -> str:
    """Who a contribution counts for: its member, or the member who claimed its identity, or the
    unclaimed identity itself (`claimed` maps identity ids to member ids)."""
    member = subject_id if subject_type == "member" else claimed.get(subject_id)
    return f"member-{member}" if member is not None else f"identity-{subject_id}"


def add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February, in a year without one
        return moment.replace(year=moment.year + years, day=28)


def month_index(moment: datetime) -> int:
    return moment.year * 12 + moment.month - 1


@dataclass(frozen=True)
class Span:
    """One person's contributions in brief: all the per-person figures need (and what rollups keep)."""

    person: str
    first: datetime
    last: datetime
    contributions: int


Cells = Counter[tuple[int, int]]  # (cohort month, k months after) -> people active in that month


def summarize(contributions: Iterable[Contribution], as_of: datetime) -> tuple[list[Span], Cells]:
    """Contributions up to `as_of` as spans and cohort cells, the inputs of `report_from`."""
    times: dict[str, list[datetime]] = defaultdict(list)
    for c in contributions:
        if c.at <= as_of:
            times[c.person].append(c.at)
    spans = [Span(p, min(ts), max(ts), len(ts)) for p, ts in times.items()]
    cells: Cells = Counter()
    for span in spans:
        cohort = month_index(span.first)
        cells.update((cohort, m - cohort) for m in {month_index(t) for t in times[span.person]})
    return spans, cells


def month_label(index: int) -> str:
    """A `month_index` as YYYY-MM."""
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}"


def report(contributions: Iterable[Contribution], as_of: datetime) -> dict[str, Any]:
    return report_from(*summarize(contributions, as_of), as_of)


def report_from(spans: Sequence[Span], cells: Cells, as_of: datetime) -> dict[str, Any]:
    counts = [s.contributions for s in spans]
    return {
        "as_of": as_of.date().isoformat(),
        "people": len(spans),
        "cohorts": cohorts(spans, cells, as_of),
        "ltc": long_term_rates(spans, as_of),
        "survival": survival(spans, as_of),
        "absence_factor": absence_factor(counts),
        **core_regular_casual(counts),
    }


def cohorts(spans: Sequence[Span], cells: Cells, as_of: datetime) -> list[dict[str, object]]:
    sizes = Counter(month_index(s.first) for s in spans)
    last_month = month_index(as_of)
    table = []
    for cohort in sorted(sizes):
        size = sizes[cohort]
        horizon = min(MONTHS, last_month - cohort + 1)
        retention = [round(cells[(cohort, k)] / size, 4) for k in range(horizon)]
        table.append({"month": month_label(cohort), "size": size, "retention": retention})
    return table


def long_term_rates(spans: Sequence[Span], as_of: datetime) -> dict[str, dict[str, object]]:
    first = np.array([s.first.timestamp() for s in spans])
    last = np.array([s.last.timestamp() for s in spans])
    now = as_of.timestamp()
    rates: dict[str, dict[str, object]] = {}
    for years in YEARS:
        eligible = _years_on(spans, first, np.full(len(spans), now), years, lambda s: as_of)
        stayed = eligible & _years_on(spans, first, last, years, lambda s: s.last)
        count = int(eligible.sum())
        rates[str(years)] = {
            "eligible": count,
            "rate": round(int(stayed.sum()) / count, 4) if count else None,
        }
    return rates


def _years_on(
    spans: Sequence[Span], start: Any, end: Any, years: int, end_of: Callable[[Span], datetime]
) -> Any:
    """For each span, add_years(first, years) <= its end; whole days decide most of them, and the
    calendar (slow) only those near the boundary (a leap day in between)."""
    gap = end - start
    sure = gap >= 366 * years * 86_400
    near = np.flatnonzero(~sure & (gap >= 365 * years * 86_400))
    for n in near.tolist():
        sure[n] = add_years(spans[n].first, years) <= end_of(spans[n])
    return sure


def survival(spans: Sequence[Span], as_of: datetime) -> dict[str, object]:
    from lifelines import KaplanMeierFitter  # imported here: it is heavy, and only this needs it

    if not spans:
        return {str(t): {"estimate": None, "low": None, "high": None} for t in YEARS}
    left = [as_of - s.last >= LEFT_AFTER for s in spans]
    days = [
        ((s.last if gone else as_of) - s.first).total_seconds() / 86_400
        for s, gone in zip(spans, left, strict=True)
    ]
    fitter = KaplanMeierFitter().fit(days, event_observed=left)
    band = fitter.confidence_interval_survival_function_
    result: dict[str, object] = {}
    for t in YEARS:
        at = 365.25 * t
        estimate = float(fitter.survival_function_at_times(at).iloc[0])
        row = band[band.index <= at].iloc[-1]
        result[str(t)] = {
            "estimate": round(estimate, 4),
            "low": round(float(row.iloc[0]), 4),
            "high": round(float(row.iloc[1]), 4),
        }
    return result


def absence_factor(counts: Iterable[int]) -> int:
    return _people_until(sorted(counts, reverse=True), 0.5)


def core_regular_casual(counts: Iterable[int]) -> dict[str, int]:
    ordered = sorted(counts, reverse=True)
    core = _people_until(ordered, 0.80)
    regular = _people_until(ordered, 0.95) - core
    return {"core": core, "regular": regular, "casual": len(ordered) - core - regular}


def _people_until(ordered: Sequence[int], share: float) -> int:
    total, running = sum(ordered), 0
    for n, value in enumerate(ordered, start=1):
        running += value
        if running >= share * total:
            return n
    return len(ordered)
