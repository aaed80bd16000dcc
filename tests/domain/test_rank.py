"""The seeded random-walk rank: exact scores on small graphs, and Sybil regions held to little trust."""

from __future__ import annotations

import numpy as np
import pytest

from domain.errors import InvalidField
from domain.trust.rank import rank


def test_scores_on_a_small_graph_are_exact_and_sorted_highest_first() -> None:
    # Four accounts, so two lazy steps: s keeps 1/4; a gets 3/8 over 3 weight received; b and c 3/16 each.
    edges = [("s", "a", 3.0), ("s", "b", 1.0), ("a", "c", 1.0)]

    assert rank(edges, ["s"]) == [("s", 0.25), ("b", 0.1875), ("c", 0.1875), ("a", 0.125)]


def test_equal_scores_are_ordered_by_name() -> None:
    # One step: the seed keeps half and passes half to a, whose score is its trust over 1 weight received.
    assert rank([("s", "a", 1.0)], ["s"]) == [("a", 0.5), ("s", 0.5)]


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        (0, [("s", 1.0), ("a", 0.0), ("b", 0.0)]),
        (1, [("s", 0.5), ("a", 0.25), ("b", 0.0)]),
        (2, [("a", 0.25), ("b", 0.25), ("s", 0.25)]),
    ],
)
def test_trust_travels_one_vouch_per_step(steps: int, expected: list[tuple[str, float]]) -> None:
    # a receives weight 2, b weight 1; each step the walk moves half of what each account holds.
    edges = [("s", "a", 2.0), ("a", "b", 1.0)]

    assert rank(edges, ["s"], steps=steps) == expected


def test_trust_starts_evenly_on_the_seeds() -> None:
    edges = [("s", "a", 1.0), ("t", "b", 1.0), ("t", "s", 1.0)]

    assert dict(rank(edges, ["s", "t"], steps=0)) == {"s": 0.5, "t": 0.5, "a": 0.0, "b": 0.0}


def test_a_sybil_that_only_vouches_for_honest_accounts_gets_nothing() -> None:
    edges = [("seed", "a", 1.0), ("a", "b", 1.0), ("b", "seed", 1.0)]
    edges += [("sybil", "seed", 5.0), ("sybil", "a", 5.0), ("sybil", "b", 5.0), ("sybil2", "sybil", 1.0)]

    scores = dict(rank(edges, ["seed"]))

    assert scores["sybil"] == 0.0
    assert scores["sybil2"] == 0.0
    assert min(scores[n] for n in ("seed", "a", "b")) > 0.0


def test_an_honest_vouch_is_the_only_way_trust_reaches_an_account() -> None:
    edges = [("seed", "a", 1.0), ("x", "seed", 1.0), ("x", "y", 1.0), ("y", "x", 1.0)]

    scores = dict(rank(edges, ["seed"]))

    assert scores["x"] == scores["y"] == 0.0
    assert scores["a"] > 0.0


def attacked_community(seed: int, attack_edges: int) -> list[tuple[str, str, float]]:
    """100 honest accounts vouching for 5 others at random, a 100-account Sybil clique vouching back."""
    rng = np.random.default_rng(seed)
    edges = [
        (f"h{i}", f"h{j}", float(rng.integers(1, 4)))
        for i in range(100)
        for j in rng.choice(100, size=5, replace=False)
        if i != j
    ]
    edges += [(f"s{i}", f"s{j}", 1.0) for i in range(100) for j in range(100) if i != j]
    edges += [(f"s{i}", f"h{i}", 1.0) for i in range(100)]
    edges += [(f"h{7 * k}", f"s{k}", 1.0) for k in range(attack_edges)]
    return [*edges, ("lurker", "stranger", 1.0), ("stranger", "h3", 1.0)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_attack_edge_lets_little_trust_into_a_dense_sybil_cluster(seed: int) -> None:
    scores = dict(rank(attacked_community(seed, attack_edges=1), ["h0", "h1", "h2"]))

    honest = np.mean([scores[f"h{i}"] for i in range(100)])
    sybil = np.mean([scores[f"s{i}"] for i in range(100)])
    assert 0.0 < sybil < honest / 100
    assert scores["lurker"] == scores["stranger"] == 0.0


def test_without_an_attack_edge_the_sybil_cluster_scores_zero() -> None:
    scores = dict(rank(attacked_community(0, attack_edges=0), ["h0"]))

    assert {scores[f"s{i}"] for i in range(100)} == {0.0}
    assert scores["lurker"] == scores["stranger"] == 0.0


def test_every_account_is_scored_once() -> None:
    edges = attacked_community(0, attack_edges=3)

    scores = rank(edges, ["h0"])

    names = {a for a, _, _ in edges} | {b for _, b, _ in edges}
    assert sorted(n for n, _ in scores) == sorted(names)
    assert [s for _, s in scores] == sorted((s for _, s in scores), reverse=True)
    assert sum(s > 0 for _, s in scores) > 100


@pytest.mark.parametrize("weight", [0.0, -1.0, -0.001, float("nan"), float("inf")])
def test_a_vouch_weight_that_is_not_a_positive_finite_number_is_refused(weight: float) -> None:
    with pytest.raises(InvalidField) as raised:
        rank([("s", "a", 1.0), ("a", "b", weight)], ["s"])

    assert raised.value.field == "weight"


@pytest.mark.parametrize("seeds", [["ghost"], ["s", "ghost"]])
def test_an_unknown_seed_is_named(seeds: list[str]) -> None:
    with pytest.raises(InvalidField) as raised:
        rank([("s", "a", 1.0)], seeds)

    assert raised.value.field == "seeds"
    assert raised.value.message == "unknown seed(s), in no certificate or edge: ghost"


def test_no_seeds_is_refused() -> None:
    with pytest.raises(InvalidField, match="at least one seed"):
        rank([("s", "a", 1.0)], [])
