"""Scale of the trust metrics: the random-walk rank on 1M members / 10M vouches (< 60 s, < 4 GB),
against networkx.pagerank on 100k members (>= 10x faster), and Advogato on 100k / 1M certificates
(< 30 s for all three levels)."""

from __future__ import annotations

import resource
import time
from typing import Any

import networkx as nx
import numpy as np

from domain.trust.advogato import accepted_indices
from domain.trust.rank import rank_indices

SEEDS = 100


def synthetic(members: int, vouches: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A heavy-tailed vouch graph: recipients drawn in proportion to a Zipf-like popularity."""
    sources = rng.integers(0, members, size=vouches, dtype=np.int64)
    popularity = 1.0 / np.arange(1, members + 1) ** 0.8
    targets = rng.choice(members, size=vouches, p=popularity / popularity.sum()).astype(np.int64)
    keep = sources != targets
    return sources[keep], targets[keep]


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def rank_at_scale(rng: np.random.Generator) -> dict[str, Any]:
    members, vouches = 1_000_000, 10_000_000
    sources, targets = synthetic(members, vouches, rng)
    seeds = np.arange(SEEDS, dtype=np.int64)
    started = time.perf_counter()
    scores = rank_indices(members, sources, targets, np.ones(len(sources)), seeds)
    elapsed = time.perf_counter() - started
    assert scores.shape == (members,)
    return {
        "members": members,
        "vouches": len(sources),
        "seconds": round(elapsed, 1),
        "peak_rss_gb_whole_process": round(peak_rss_gb(), 2),
        "target": "< 60 s and < 4 GB",
    }


def rank_against_networkx(rng: np.random.Generator) -> dict[str, Any]:
    members, vouches = 100_000, 1_000_000
    sources, targets = synthetic(members, vouches, rng)
    seeds = np.arange(SEEDS, dtype=np.int64)
    started = time.perf_counter()
    rank_indices(members, sources, targets, np.ones(len(sources)), seeds)
    ours = time.perf_counter() - started
    graph = nx.DiGraph()
    graph.add_nodes_from(range(members))
    graph.add_edges_from(zip(sources.tolist(), targets.tolist(), strict=True))
    started = time.perf_counter()
    nx.pagerank(graph, personalization={int(s): 1.0 for s in seeds})
    theirs = time.perf_counter() - started
    return {
        "members": members,
        "vouches": len(sources),
        "ours_seconds": round(ours, 2),
        "networkx_pagerank_seconds": round(theirs, 2),
        "speedup": round(theirs / ours, 1),
        "target": ">= 10x",
    }


def advogato_at_scale(rng: np.random.Generator) -> dict[str, Any]:
    members, certificates = 100_000, 1_000_000
    givers, recipients = synthetic(members, certificates, rng)
    levels = rng.integers(1, 4, size=len(givers))
    seeds = np.arange(SEEDS, dtype=np.int64)  # 100 seeds x 800: the flow can reach most of the graph
    started = time.perf_counter()
    accepted = [
        len(accepted_indices(members, givers[levels >= lv], recipients[levels >= lv], seeds))
        for lv in (1, 2, 3)
    ]
    elapsed = time.perf_counter() - started
    return {
        "members": members,
        "certificates": len(givers),
        "seconds_all_levels": round(elapsed, 1),
        "accepted_per_level": accepted,
        "target": "< 30 s",
    }


def main() -> dict[str, Any]:
    rng = np.random.default_rng(2026)
    return {
        "advogato_100k": advogato_at_scale(rng),
        "rank_vs_networkx_100k": rank_against_networkx(rng),
        "rank_1m": rank_at_scale(rng),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(main(), indent=2))
