"""Precision and recall of the Sybil-ring flags on rings injected into the real Bitcoin OTC network.

30 rings of 5 to 20 new accounts each vouch densely for one another within two days, and receive one
or two vouches from honest accounts; the flags, at several review-queue sizes, are compared with the
injected accounts.
"""

from __future__ import annotations

import gzip
from typing import Any

import numpy as np

from bench.trust_attack import DATA
from domain.trust.anomaly import DAY, features, flag

RINGS, RING_DENSITY = 30, 0.6


def load() -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    with gzip.open(DATA, "rt") as lines:
        rows = [line.split(",") for line in lines]
    kept = [(int(a), int(b), float(t)) for a, b, r, t in rows if int(r) > 0 and a != b]
    ids, dense = np.unique(np.array([[a, b] for a, b, _ in kept]), return_inverse=True)
    dense = dense.reshape(-1, 2)
    return len(ids), dense[:, 0], dense[:, 1], np.array([t for _, _, t in kept])


def inject(
    honest: int, end: float, rng: np.random.Generator
) -> tuple[int, list[tuple[int, int, float]], set[int]]:
    edges: list[tuple[int, int, float]] = []
    ring_members: set[int] = set()
    next_id = honest
    for _ in range(RINGS):
        size = int(rng.integers(5, 21))
        members = list(range(next_id, next_id + size))
        next_id += size
        ring_members.update(members)
        start = end - rng.uniform(3, 25) * DAY
        for a in members:
            for b in members:
                if a != b and rng.random() < RING_DENSITY:
                    edges.append((a, b, start + rng.uniform(0, 2 * DAY)))
        for _ in range(int(rng.integers(1, 3))):
            edges.append((int(rng.integers(0, honest)), members[0], start + rng.uniform(0, 2 * DAY)))
    return next_id, edges, ring_members


def run(seed: int = 11) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    honest, givers, recipients, times = load()
    end = float(times.max())
    size, ring_edges, ring_members = inject(honest, end, rng)
    all_givers = np.concatenate([givers, [e[0] for e in ring_edges]]).astype(np.int64)
    all_recipients = np.concatenate([recipients, [e[1] for e in ring_edges]]).astype(np.int64)
    all_times = np.concatenate([times, [e[2] for e in ring_edges]])
    table = features(size, all_givers, all_recipients, all_times, now=end + DAY)
    queues = []
    for share in (0.02, 0.05, 0.1):
        flagged = {f.account for f in flag(table, share=share)}
        hits = len(flagged & ring_members)
        queues.append(
            {
                "review_queue_share": share,
                "flagged": len(flagged),
                "precision": round(hits / max(len(flagged), 1), 3),
                "recall": round(hits / len(ring_members), 3),
            }
        )
    return {"honest_accounts": honest, "rings": RINGS, "ring_accounts": len(ring_members), "queues": queues}


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
