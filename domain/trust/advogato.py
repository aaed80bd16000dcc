"""Levien's Advogato trust metric, as specified in "Attack Resistant Trust Metrics" (2002/2009).

Per certification level: a virtual source feeds the seed accounts; every account x has a capacity
c(x) from its breadth-first distance to the seeds (default 800, 200, 200, 50, 12, 4, 2, 1, and the last
value beyond); x is split into x- and x+ with x- -> x+ of capacity c(x) - 1 and x- -> sink of capacity
1; a certificate x -> y is an unbounded edge x+ -> y-. After a maximum flow, x is accepted when its
sink edge carries flow. Dinic's algorithm augments along shortest paths only, so flow never passes
through an account whose own sink edge is free: certificates from accounts that are not accepted
carry no weight, as the specification requires. A member holds the highest level at which they are
accepted, where each level's run uses the certificates of at least that level.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra, maximum_flow

from domain.trust.graph import index_edges

DEFAULT_CAPACITIES = (800, 200, 200, 50, 12, 4, 2, 1)


class Level(enum.IntEnum):
    APPRENTICE = 1
    JOURNEYER = 2
    MASTER = 3

    @property
    def label(self) -> str:
        return self.name.capitalize()


@dataclass(frozen=True)
class Certificate:
    giver: str
    recipient: str
    level: Level


def trust_levels(
    certificates: Iterable[Certificate], seeds: Sequence[str], capacities: Sequence[int] = DEFAULT_CAPACITIES
) -> dict[str, Level]:
    """Every accepted account and the highest level at which it is accepted."""
    graph = index_edges((c.giver, c.recipient, float(c.level)) for c in certificates)
    seed_indices = graph.indices_of(seeds)
    held: dict[str, Level] = {}
    for level in Level:
        keep = graph.weights >= level
        accepted = accepted_indices(
            graph.size, graph.sources[keep], graph.targets[keep], seed_indices, capacities
        )
        for i in accepted:
            held[graph.names[i]] = level
    return held


def accepted_indices(
    size: int,
    givers: NDArray[np.int64],
    recipients: NDArray[np.int64],
    seeds: NDArray[np.int64],
    capacities: Sequence[int] = DEFAULT_CAPACITIES,
) -> NDArray[np.int64]:
    """Accounts accepted by one run of the metric over one set of certificates."""
    if any(c < 1 for c in capacities) or not capacities:
        raise ValueError("capacities must be positive whole numbers, e.g. 800,200,200,50,12,4,2,1")
    node_capacity = capacities_by_distance(size, givers, recipients, seeds, capacities)
    reachable = np.flatnonzero(node_capacity > 0)
    source, sink = 2 * size, 2 * size + 1
    # Every unit of flow ends on a capacity-1 sink edge, so no edge can carry more than the number of
    # reachable accounts: that is "unbounded", and larger capacities change nothing (and would
    # overflow the 32-bit arithmetic of scipy's max-flow).
    unbounded = len(reachable) + 1
    node_capacity = np.minimum(node_capacity, unbounded)
    minus, plus = 2 * reachable, 2 * reachable + 1
    inner = node_capacity[reachable] - 1
    passes = inner > 0
    live = (node_capacity[givers] > 1) & (node_capacity[recipients] > 0)
    rows = np.concatenate([np.full(len(seeds), source), minus[passes], minus, 2 * givers[live] + 1])
    cols = np.concatenate([2 * seeds, plus[passes], np.full(len(reachable), sink), 2 * recipients[live]])
    caps = np.concatenate(
        [
            np.full(len(seeds), unbounded),
            inner[passes],
            np.ones(len(reachable), dtype=np.int64),
            np.full(int(live.sum()), unbounded),
        ]
    )
    network = csr_matrix((caps.astype(np.int32), (rows, cols)), shape=(2 * size + 2, 2 * size + 2))
    flow = maximum_flow(network, source, sink, method="dinic").flow.tocsc()
    into_sink = np.asarray(flow[:, sink].todense()).ravel()
    return np.flatnonzero(into_sink[0 : 2 * size : 2] > 0)


def capacities_by_distance(
    size: int,
    givers: NDArray[np.int64],
    recipients: NDArray[np.int64],
    seeds: NDArray[np.int64],
    capacities: Sequence[int],
) -> NDArray[np.int64]:
    adjacency = csr_matrix((np.ones(len(givers)), (givers, recipients)), shape=(size, size))
    distance = dijkstra(adjacency, directed=True, indices=seeds, unweighted=True, min_only=True)
    table = np.asarray(capacities, dtype=np.int64)
    result = np.zeros(size, dtype=np.int64)
    reached = np.isfinite(distance)
    steps = np.minimum(distance[reached].astype(np.int64), len(table) - 1)
    result[reached] = table[steps]
    return result
