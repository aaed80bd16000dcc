"""Names to dense indices, so the metrics work on integer arrays and scale to millions of members."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from domain.errors import InvalidField


@dataclass(frozen=True)
class IndexedEdges:
    names: list[str]
    sources: NDArray[np.int64]
    targets: NDArray[np.int64]
    weights: NDArray[np.float64]

    @property
    def size(self) -> int:
        return len(self.names)

    def indices_of(self, seeds: Sequence[str]) -> NDArray[np.int64]:
        """Seed indices; a seed that appears in no edge is an error that names it."""
        position = {name: i for i, name in enumerate(self.names)}
        unknown = [s for s in seeds if s not in position]
        if unknown:
            raise InvalidField("seeds", f"unknown seed(s), in no certificate or edge: {', '.join(unknown)}")
        if not seeds:
            raise InvalidField("seeds", "name at least one seed")
        return np.array(sorted({position[s] for s in seeds}), dtype=np.int64)


def index_edges(edges: Iterable[tuple[str, str, float]]) -> IndexedEdges:
    """Dense indices in first-seen order; self-edges dropped; a repeated pair keeps its last weight."""
    position: dict[str, int] = {}
    latest: dict[tuple[int, int], float] = {}
    for source, target, weight in edges:
        if source == target:
            continue
        s = position.setdefault(source, len(position))
        t = position.setdefault(target, len(position))
        latest[(s, t)] = weight
    pairs = np.array(list(latest), dtype=np.int64).reshape(-1, 2)
    return IndexedEdges(
        names=list(position),
        sources=pairs[:, 0],
        targets=pairs[:, 1],
        weights=np.fromiter(latest.values(), dtype=np.float64, count=len(latest)),
    )
