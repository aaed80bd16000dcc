"""Retention metrics on a real project's history (MoveOnOrg/Spoke, ../shared/data), each checked against
an independent computation written here with pandas and a hand-rolled product-limit estimator."""

from __future__ import annotations

import csv
import gzip
from datetime import UTC, datetime

import pandas as pd
import pytest

from domain.retention import Contribution, report
from tests.factories import shared_data

SPOKE = "commits-MoveOnOrg-Spoke.csv.gz"
BOT = "bd5a8d6c673b738d52b0ac42a110045f3f964b3ebfc1d60ea805af743b1dc0e6"  # dependabot[bot], per SOURCES.md
AS_OF = datetime(2022, 6, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def commits() -> pd.DataFrame:
    with gzip.open(shared_data(SPOKE), "rt") as handle:
        frame = pd.DataFrame(list(csv.DictReader(handle)))
    frame = frame[frame.author_email_hash != BOT]
    frame["at"] = pd.to_datetime(frame.authored_at, utc=True)
    return frame[frame["at"] <= pd.Timestamp(AS_OF)]


@pytest.fixture(scope="module")
def ours(commits: pd.DataFrame) -> dict[str, object]:
    return report(
        (
            Contribution(p, t.to_pydatetime())
            for p, t in zip(commits.author_email_hash, commits["at"], strict=True)
        ),
        AS_OF,
    )


def test_people_and_monthly_cohorts(commits: pd.DataFrame, ours: dict[str, object]) -> None:
    month = commits["at"].dt.year * 12 + commits["at"].dt.month - 1
    first = month.groupby(commits.author_email_hash).transform("min")
    expected = {}
    for cohort, group in commits.assign(month=month, first=first).groupby("first"):
        people = group.author_email_hash.nunique()
        active = group.groupby(group.month - cohort).author_email_hash.nunique()
        horizon = min(25, (AS_OF.year * 12 + AS_OF.month - 1) - cohort + 1)
        expected[f"{cohort // 12:04d}-{cohort % 12 + 1:02d}"] = (
            people,
            [round(active.get(k, 0) / people, 4) for k in range(horizon)],
        )

    assert ours["people"] == commits.author_email_hash.nunique()
    assert {c["month"]: (c["size"], c["retention"]) for c in ours["cohorts"]} == expected  # type: ignore[attr-defined]


@pytest.mark.parametrize("years", [1, 2, 3])
def test_long_term_contributor_rate(commits: pd.DataFrame, ours: dict[str, object], years: int) -> None:
    span = commits.groupby("author_email_hash")["at"].agg(["min", "max"])
    eligible = span[span["min"] + pd.DateOffset(years=years) <= pd.Timestamp(AS_OF)]
    stayed = eligible[eligible["min"] + pd.DateOffset(years=years) <= eligible["max"]]

    assert ours["ltc"][str(years)] == {
        "eligible": len(eligible),
        "rate": round(len(stayed) / len(eligible), 4),
    }  # type: ignore[index]


def test_absence_factor_and_the_core_regular_casual_split(
    commits: pd.DataFrame, ours: dict[str, object]
) -> None:
    counts = commits.author_email_hash.value_counts().to_numpy()
    share = counts.cumsum() / counts.sum()
    core = int((share < 0.8).sum()) + 1
    regular = int((share < 0.95).sum()) + 1 - core

    assert ours["absence_factor"] == int((share < 0.5).sum()) + 1
    assert (ours["core"], ours["regular"], ours["casual"]) == (core, regular, len(counts) - core - regular)


def test_survival_matches_a_product_limit_estimate_inside_its_interval(
    commits: pd.DataFrame, ours: dict[str, object]
) -> None:
    span = commits.groupby("author_email_hash")["at"].agg(["min", "max"])
    left = (pd.Timestamp(AS_OF) - span["max"]) >= pd.Timedelta(days=365)
    days = ((span["max"].where(left, pd.Timestamp(AS_OF))) - span["min"]).dt.total_seconds() / 86_400
    for years in (1, 2, 3):
        estimate = 1.0
        for t in sorted(days[left].unique()):
            if t > 365.25 * years:
                break
            at_risk = (days >= t).sum()
            estimate *= 1 - ((days == t) & left).sum() / at_risk
        got = ours["survival"][str(years)]  # type: ignore[index]
        assert got["estimate"] == pytest.approx(estimate, abs=1e-4)
        assert got["low"] <= got["estimate"] <= got["high"]
