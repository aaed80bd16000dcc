"""The churn-risk model on MoveOnOrg/Spoke's real history: a time split, an AUC with its interval, and the
naive baseline beside it; synthetic data shows the model learns the signal it is given."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np

from domain.churn import FEATURES, PersonFacts, dataset, evaluate, features
from domain.retention import Contribution
from tests.domain.test_retention import commits as commits


def test_features_count_only_the_first_90_days() -> None:
    first = datetime(2024, 1, 1, tzinfo=UTC)
    times = [first, first + timedelta(hours=3), first + timedelta(days=10), first + timedelta(days=120)]
    facts = PersonFacts(first_response_at=first + timedelta(days=2), vouched=True)

    assert dict(zip(FEATURES, features(first, times, facts), strict=True)) == {
        "contributions": 3.0,
        "active days": 2.0,
        "reviews received": 0.0,
        "days to first response": 2.0,
        "vouched": 1.0,
        "mentored": 0.0,
    }


def test_on_a_clear_signal_the_model_beats_chance_and_reports_intervals() -> None:
    rng = random.Random(3)
    work = []
    for n in range(300):
        start = datetime(2019, 1, 1, tzinfo=UTC) + timedelta(days=n * 3)
        stays = rng.random() < 0.3
        early = rng.randint(4, 9) if stays else rng.randint(1, 4)
        work += [Contribution(f"p{n}", start + timedelta(days=d * 7)) for d in range(early)]
        if stays:
            work.append(Contribution(f"p{n}", start + timedelta(days=400)))
    _, x, y, starts = dataset(work, {}, datetime(2024, 1, 1, tzinfo=UTC))

    result = evaluate(x, y, starts, rounds=200)

    assert result.auc.value > 0.8 and result.auc.low <= result.auc.value <= result.auc.high
    assert result.trained_on + result.tested_on == len(y) and result.positives_in_test > 0
    assert any("Never used to limit anyone" in line for line in result.card)


def test_on_spokes_history_the_evaluation_is_honest_about_its_uncertainty(commits) -> None:  # type: ignore[no-untyped-def]
    work = [
        Contribution(p, t.to_pydatetime())
        for p, t in zip(commits.author_email_hash, commits["at"], strict=True)
    ]
    _, x, y, starts = dataset(work, {}, datetime(2022, 6, 30, tzinfo=UTC))

    result = evaluate(x, y, starts, rounds=200)

    assert len(y) > 50 and 0 < y.sum() < len(y)
    for interval in (result.auc, result.baseline_auc):
        assert 0 <= interval.low <= interval.value <= interval.high <= 1
    assert np.isfinite(result.threshold)
