from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.cycles import Rung, cycles, funnel, mentorship_effect
from domain.retention import Contribution, summarize

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def days(n: float) -> datetime:
    return T0 + timedelta(days=n)


def test_the_funnel_counts_each_rung_its_conversion_and_the_median_days_between() -> None:
    reached = {
        "a": {"signed up": days(0), "code of conduct": days(1), "vouched": days(11)},
        "b": {"signed up": days(0), "code of conduct": days(3)},
        "c": {"signed up": days(0)},
        "d": {"signed up": days(0), "code of conduct": days(2), "vouched": days(5)},
    }

    assert funnel(reached, ["signed up", "code of conduct", "vouched"]) == [
        Rung("signed up", 4, None, None),
        Rung("code of conduct", 3, 0.75, 2.0),
        Rung("vouched", 2, round(2 / 3, 4), 6.5),
    ]


def test_each_cycle_counts_its_active_people_and_who_came_back_next_cycle() -> None:
    elections = [date(2022, 11, 8), date(2024, 11, 5)]
    work = [
        Contribution("a", datetime(2022, 9, 1, tzinfo=UTC)),
        Contribution("b", datetime(2022, 10, 1, tzinfo=UTC)),
        Contribution("c", datetime(2022, 1, 1, tzinfo=UTC)),  # outside the 6-month window
        Contribution("a", datetime(2024, 10, 1, tzinfo=UTC)),
        Contribution("d", datetime(2024, 11, 5, 20, tzinfo=UTC)),  # election day counts
    ]

    first, second = cycles(work, elections)

    assert (first.active, first.returned_next, first.share_returned) == (2, 1, 0.5)
    assert (second.active, second.returned_next) == (2, None)


def test_mentored_and_not_mentored_retention_side_by_side_with_intervals() -> None:
    work = [Contribution(p, days(0)) for p in "abcdef"] + [Contribution(p, days(200)) for p in "abd"]

    spans, _ = summarize(work, days(400))

    mentored, others = mentorship_effect(spans, mentored={"a", "b", "c"}, as_of=days(400))

    assert (mentored.people, mentored.retained, mentored.share) == (3, 2, pytest.approx(0.6667, abs=1e-4))
    assert (others.people, others.retained) == (3, 1)
    assert mentored.low < mentored.share < mentored.high and 0 <= others.low < others.high <= 1
