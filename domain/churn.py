"""Who may drift away: a model of a newcomer's first 90 days that feeds an organizer's "reach out" list,
never a penalty.

Features of the first 90 days after a person's first contribution: contributions, active days, reviews
received, days to the first response, vouched, mentored. Label: whether they became a 1-year long-term
contributor. Evaluated on a time split (trained on earlier newcomers, tested on later ones) with ROC AUC
and precision/recall at the operating threshold, each with a bootstrap interval, against a naive
baseline that ranks by first-month contributions. The card below travels with every score.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_score, recall_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from domain.retention import Contribution, add_years

WINDOW = timedelta(days=90)
MODEL_CARD = (
    "Purpose: rank newcomers an organizer might reach out to. Never used to limit anyone.",
    "Features (first 90 days): contributions, active days, reviews received, days to first response, "
    "vouched, mentored.",
    "Label: still contributing a year after their first contribution (1-year long-term contributor).",
    "Model: logistic regression with balanced class weights, standardized features (scikit-learn).",
)
FEATURES = (
    "contributions",
    "active days",
    "reviews received",
    "days to first response",
    "vouched",
    "mentored",
)


@dataclass(frozen=True)
class PersonFacts:
    """What the ledger says about one person beyond their contributions."""

    reviews_received: Sequence[datetime] = ()
    first_response_at: datetime | None = None
    vouched: bool = False
    mentored: bool = False


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Evaluation:
    trained_on: int
    tested_on: int
    positives_in_test: int
    threshold: float
    auc: Interval
    precision: Interval
    recall: Interval
    baseline_auc: Interval
    card: tuple[str, ...] = field(default=())


def features(first: datetime, times: Sequence[datetime], facts: PersonFacts) -> list[float]:
    early = [t for t in times if t < first + WINDOW]
    response = (facts.first_response_at - first).days if facts.first_response_at else 90
    return [
        float(len(early)),
        float(len({t.date() for t in early})),
        float(sum(1 for t in facts.reviews_received if first <= t < first + WINDOW)),
        float(min(max(response, 0), 90)),
        float(facts.vouched),
        float(facts.mentored),
    ]


def dataset(
    contributions: Sequence[Contribution], facts: Mapping[str, PersonFacts], as_of: datetime
) -> tuple[list[str], NDArray[np.float64], NDArray[np.int64], list[datetime]]:
    """People whose outcome is known by `as_of` (first contribution at least a year before it)."""
    by_person: dict[str, list[datetime]] = {}
    for c in contributions:
        by_person.setdefault(c.person, []).append(c.at)
    people, rows, labels, starts = [], [], [], []
    for person, times in sorted(by_person.items()):
        first, last = min(times), max(times)
        if add_years(first, 1) > as_of:
            continue
        people.append(person)
        rows.append(features(first, times, facts.get(person, PersonFacts())))
        labels.append(int(add_years(first, 1) <= last))
        starts.append(first)
    return people, np.array(rows, dtype=np.float64).reshape(-1, len(FEATURES)), np.array(labels), starts


def evaluate(
    x: NDArray[np.float64],
    y: NDArray[np.int64],
    starts: Sequence[datetime],
    *,
    test_share: float = 0.3,
    rounds: int = 500,
    seed: int = 0,
) -> Evaluation:
    order = np.argsort(np.array([s.timestamp() for s in starts]), kind="stable")
    cut = int(len(order) * (1 - test_share))
    train, test = order[:cut], order[cut:]
    model = make_pipeline(StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=1000))
    model.fit(x[train], y[train])
    scores = model.predict_proba(x[test])[:, 1]
    threshold = float(np.quantile(model.predict_proba(x[train])[:, 1], 1 - y[train].mean()))
    baseline = x[test, 0]  # first-window contribution count: the naive ranking
    rng = np.random.default_rng(seed)
    samples = [rng.integers(0, len(test), len(test)) for _ in range(rounds)]
    predicted = (scores >= threshold).astype(int)
    return Evaluation(
        len(train),
        len(test),
        int(y[test].sum()),
        round(threshold, 4),
        _boot(lambda s: roc_auc_score(y[test][s], scores[s]), samples, y[test]),
        _boot(lambda s: precision_score(y[test][s], predicted[s], zero_division=0), samples, y[test]),
        _boot(lambda s: recall_score(y[test][s], predicted[s], zero_division=0), samples, y[test]),
        _boot(lambda s: roc_auc_score(y[test][s], baseline[s]), samples, y[test]),
        card=(
            *MODEL_CARD,
            f"Trained on the earliest {len(train)} newcomers, tested on the {len(test)} after them.",
            "Intervals: 95% percentile bootstrap over the test set.",
        ),
    )


def _boot(
    metric: Callable[[NDArray[np.int64]], float], samples: Sequence[NDArray[np.int64]], y: NDArray[np.int64]
) -> Interval:
    """The metric on the whole test set, and its 95% interval over resamples holding both outcomes."""
    values = [metric(s) for s in samples if 0 < y[s].sum() < len(s)]
    point = float(metric(np.arange(len(y))))
    low, high = np.percentile(values, [2.5, 97.5]) if values else (float("nan"), float("nan"))
    return Interval(round(point, 4), round(float(low), 4), round(float(high), 4))


def stay_probabilities(
    x_known: NDArray[np.float64], y_known: NDArray[np.int64], x_new: NDArray[np.float64]
) -> NDArray[np.float64] | None:
    """Chance of becoming a long-term contributor for each newcomer; None when the history holds too few
    people, or only one outcome, to learn from."""
    if len(y_known) < 20 or y_known.sum() in (0, len(y_known)) or not len(x_new):
        return None
    model = make_pipeline(StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=1000))
    model.fit(x_known, y_known)
    probabilities: NDArray[np.float64] = model.predict_proba(x_new)[:, 1]
    return probabilities
