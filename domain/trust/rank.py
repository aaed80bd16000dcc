"""A seeded random-walk rank in the manner of SybilRank (Cao et al., NSDI 2012).

Trust starts evenly on the seeds and spreads along vouches (giver -> recipient, in proportion to
weight) for O(log n) steps only: stopped early, the walk has filled the honest region well connected
to the seeds but has not yet leaked through the few edges into a Sybil region. The walk is lazy (each
step half of an account's trust stays), which on a directed graph keeps trust from draining into dead
ends; accounts that vouch for no one keep all of theirs. The score is the trust divided by the weight
of vouches received, so that well-vouched members are not favoured merely for their degree. Vouches
given *by* a Sybil to honest members carry no trust into the Sybil region: only honest vouches for
Sybils (attack edges) do.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix

from domain.errors import InvalidField
from domain.trust.graph import index_edges


def rank(
    edges: Iterable[tuple[str, str, float]], seeds: Sequence[str], steps: int | None = None
) -> list[tuple[str, float]]:
    """Every account with its score, highest first (ties by name)."""
    graph = index_edges(edges)
    if np.any(~np.isfinite(graph.weights) | (graph.weights <= 0)):
        raise InvalidField("weight", "vouch weights must be positive, finite numbers")
    scores = rank_indices(
        graph.size, graph.sources, graph.targets, graph.weights, graph.indices_of(seeds), steps
    )
    order = sorted(range(graph.size), key=lambda i: (-scores[i], graph.names[i]))
    return [(graph.names[i], float(scores[i])) for i in order]


def rank_indices(
    size: int,
    sources: NDArray[np.int64],
    targets: NDArray[np.int64],
    weights: NDArray[np.float64],
    seeds: NDArray[np.int64],
    steps: int | None = None,
) -> NDArray[np.float64]:
    out_weight = np.bincount(sources, weights=weights, minlength=size)
    share = weights / out_weight[sources]
    # Column-stochastic over accounts that vouch; the others keep what they hold.
    spread = csr_matrix((share, (targets, sources)), shape=(size, size))
    keeps = out_weight == 0
    trust = np.zeros(size)
    trust[seeds] = 1.0 / len(seeds)
    for _ in range(steps if steps is not None else math.ceil(math.log2(max(size, 2)))):
        trust = 0.5 * trust + 0.5 * (spread @ trust + np.where(keeps, trust, 0.0))
    received = np.bincount(targets, weights=weights, minlength=size)
    return trust / np.maximum(received, 1.0)
