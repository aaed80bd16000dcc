from __future__ import annotations

import numpy as np

from domain.trust.anomaly import DAY, FEATURES, features, flag

NOW = 1_000 * DAY


def community_with_a_ring(
    rng: np.random.Generator,
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, set[int]]:
    """300 established accounts vouching sparsely over two years, and a ring of 12 new accounts."""
    honest, ring = 300, list(range(300, 312))
    givers = rng.integers(0, honest, 1500)
    recipients = rng.integers(0, honest, 1500)
    times = NOW - rng.uniform(60, 700, 1500) * DAY
    ring_edges = [(a, b) for a in ring for b in ring if a != b and rng.random() < 0.7]
    start = NOW - 5 * DAY
    givers = np.concatenate([givers, [a for a, _ in ring_edges], [7]])
    recipients = np.concatenate([recipients, [b for _, b in ring_edges], [ring[0]]])
    times = np.concatenate([times, start + rng.uniform(0, DAY, len(ring_edges)), [start]])
    keep = givers != recipients
    return 312, givers[keep].astype(np.int64), recipients[keep].astype(np.int64), times[keep], set(ring)


def test_every_feature_lies_between_zero_and_one() -> None:
    size, givers, recipients, times, _ = community_with_a_ring(np.random.default_rng(1))
    table = features(size, givers, recipients, times, NOW)
    assert table.shape == (size, len(FEATURES))
    assert table.min() >= 0.0 and table.max() <= 1.0


def test_a_dense_young_ring_tops_the_review_queue_with_the_reasons_that_give_it_away() -> None:
    size, givers, recipients, times, ring = community_with_a_ring(np.random.default_rng(2))
    flags = flag(features(size, givers, recipients, times, NOW), share=0.05)

    flagged = [f.account for f in flags]
    assert len(flagged) <= round(0.05 * size) + 1
    assert set(flagged) >= ring  # every ring member is queued for review
    assert len(set(flagged[:10]) & ring) >= 8  # and they dominate the top of the queue
    assert flags[0].account in ring and "account youth" in flags[0].reasons
    assert [f.score for f in flags] == sorted((f.score for f in flags), reverse=True)


def test_the_busiest_day_counts_only_for_accounts_with_several_vouches() -> None:
    givers = np.array([0, 1, 2, 3], dtype=np.int64)
    recipients = np.array([4, 4, 4, 5], dtype=np.int64)
    times = np.array([0.0, 10.0, 3 * DAY, 0.0])
    table = features(6, givers, recipients, times, now=10 * DAY)
    assert table[4, 3] == 2 / 3  # two of three vouches on the busiest day
    assert table[5, 3] == 0.0  # one vouch is no burst
