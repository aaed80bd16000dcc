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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

LEFT_AFTER = timedelta(days=365)  # twelve months without a contribution
MONTHS = 25
YEARS = (1, 2, 3)


@dataclass(frozen=True)
class Contribution:
    person: str
    at: datetime


def add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February, in a year without one
        return moment.replace(year=moment.year + years, day=28)


def month_index(moment: datetime) -> int:
    return moment.year * 12 + moment.month - 1


def report(contributions: Iterable[Contribution], as_of: datetime) -> dict[str, Any]:
    seen = [c for c in contributions if c.at <= as_of]
    by_person: dict[str, list[datetime]] = defaultdict(list)
    for c in seen:
        by_person[c.person].append(c.at)
    first = {p: min(times) for p, times in by_person.items()}
    last = {p: max(times) for p, times in by_person.items()}
    counts = Counter(c.person for c in seen)
    return {
        "as_of": as_of.date().isoformat(),
        "people": len(by_person),
        "cohorts": cohorts(by_person, first, as_of),
        "ltc": {str(t): long_term_rate(first, last, as_of, t) for t in YEARS},
        "survival": survival(first, last, as_of),
        "absence_factor": absence_factor(counts),
        **core_regular_casual(counts),
    }


def cohorts(
    by_person: dict[str, list[datetime]], first: dict[str, datetime], as_of: datetime
) -> list[dict[str, object]]:
    members: dict[int, list[str]] = defaultdict(list)
    for person, start in first.items():
        members[month_index(start)].append(person)
    active_months = {p: {month_index(t) for t in times} for p, times in by_person.items()}
    last_month = month_index(as_of)
    table = []
    for cohort in sorted(members):
        people = members[cohort]
        horizon = min(MONTHS, last_month - cohort + 1)
        retention = [
            round(sum(1 for p in people if cohort + k in active_months[p]) / len(people), 4)
            for k in range(horizon)
        ]
        year, month = divmod(cohort, 12)
        table.append({"month": f"{year:04d}-{month + 1:02d}", "size": len(people), "retention": retention})
    return table


def long_term_rate(
    first: dict[str, datetime], last: dict[str, datetime], as_of: datetime, years: int
) -> dict[str, object]:
    eligible = [p for p, start in first.items() if add_years(start, years) <= as_of]
    stayed = [p for p in eligible if add_years(first[p], years) <= last[p]]
    return {"eligible": len(eligible), "rate": round(len(stayed) / len(eligible), 4) if eligible else None}


def survival(first: dict[str, datetime], last: dict[str, datetime], as_of: datetime) -> dict[str, object]:
    from lifelines import KaplanMeierFitter  # imported here: it is heavy, and only this needs it

    people = sorted(first)
    if not people:
        return {str(t): {"estimate": None, "low": None, "high": None} for t in YEARS}
    left = [as_of - last[p] >= LEFT_AFTER for p in people]
    days = [
        ((last[p] if gone else as_of) - first[p]).total_seconds() / 86_400
        for p, gone in zip(people, left, strict=True)
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


def absence_factor(counts: Counter[str]) -> int:
    return _people_until(sorted(counts.values(), reverse=True), 0.5)


def core_regular_casual(counts: Counter[str]) -> dict[str, int]:
    ordered = sorted(counts.values(), reverse=True)
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
