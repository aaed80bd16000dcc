"""Vouch patterns typical of Sybil rings, for an organizer's review queue (never an automatic ban).

Rings look alike: young accounts vouching for each other, densely and reciprocally, in a burst, with
few ties to the rest of the community. Each account gets a handful of such features; an isolation
forest scores how unusual the combination is, and each flag says which features stood out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from sklearn.ensemble import IsolationForest

DAY = 86_400.0
FEATURES = (
    "reciprocated share of vouches",
    "local clustering",
    "share of vouches exchanged with young accounts",
    "share of received vouches in the busiest day",
    "account youth",
)


@dataclass(frozen=True)
class Flag:
    account: int
    score: float
    reasons: tuple[str, ...]


def features(
    size: int,
    givers: NDArray[np.int64],
    recipients: NDArray[np.int64],
    times: NDArray[np.float64],
    now: float,
    young_days: float = 30.0,
) -> NDArray[np.float64]:
    """One row per account: the FEATURES above, each in [0, 1]."""
    directed = csr_matrix((np.ones(len(givers)), (givers, recipients)), shape=(size, size))
    directed.data[:] = 1.0
    undirected = ((directed + directed.T) > 0).astype(np.float64)
    degree = np.asarray(undirected.sum(axis=1)).ravel()
    mutual = directed.multiply(directed.T)
    out_degree = np.asarray(directed.sum(axis=1)).ravel()
    reciprocity = np.asarray(mutual.sum(axis=1)).ravel() / np.maximum(out_degree, 1)
    triangles = np.asarray(undirected.multiply(undirected @ undirected).sum(axis=1)).ravel() / 2
    clustering = triangles / np.maximum(degree * (degree - 1) / 2, 1)
    first_seen = np.full(size, np.inf)
    np.minimum.at(first_seen, givers, times)
    np.minimum.at(first_seen, recipients, times)
    age_days = (now - first_seen) / DAY
    young = age_days < young_days
    with_young = np.zeros(size)
    np.add.at(with_young, givers, young[recipients].astype(float))
    np.add.at(with_young, recipients, young[givers].astype(float))
    touched = np.bincount(givers, minlength=size) + np.bincount(recipients, minlength=size)
    young_share = with_young / np.maximum(touched, 1)
    burst = _busiest_day_share(size, recipients, times)
    youth = 1.0 - np.minimum(age_days / 365.0, 1.0)
    return np.column_stack([reciprocity, clustering, young_share, burst, youth])


def flag(table: NDArray[np.float64], share: float = 0.02, seed: int = 0) -> list[Flag]:
    """The most unusual `share` of accounts, most unusual first, each with the features behind it."""
    forest = IsolationForest(n_estimators=200, contamination=share, random_state=seed).fit(table)
    scores = -forest.score_samples(table)
    chosen = np.flatnonzero(forest.predict(table) == -1)
    typical = np.median(table, axis=0)
    spread = np.maximum(np.percentile(table, 90, axis=0) - typical, 1e-9)
    flags = []
    for account in chosen[np.argsort(-scores[chosen])]:
        lift = (table[account] - typical) / spread
        reasons = tuple(FEATURES[i] for i in np.argsort(-lift) if lift[i] > 1.0)[:3]
        flags.append(Flag(int(account), float(scores[account]), reasons))
    return flags


def _busiest_day_share(
    size: int, recipients: NDArray[np.int64], times: NDArray[np.float64]
) -> NDArray[np.float64]:
    days = np.floor(times / DAY).astype(np.int64)
    pairs, counts = np.unique(np.column_stack([recipients, days]), axis=0, return_counts=True)
    busiest = np.zeros(size)
    np.maximum.at(busiest, pairs[:, 0], counts.astype(float))
    received = np.bincount(recipients, minlength=size)
    return np.where(received >= 3, busiest / np.maximum(received, 1), 0.0)


@dataclass(frozen=True)
class TimedVouch:
    voucher_id: int
    vouchee_id: int
    at: float  # seconds since the epoch


MIN_ACCOUNTS = 30  # below this an isolation forest flags noise, not patterns


def ring_suspects(vouches: list[TimedVouch], now: float, share: float = 0.02) -> list[Flag]:
    """Flags over member ids (not row indices), or none when the community is too small to judge."""
    ids = sorted({v.voucher_id for v in vouches} | {v.vouchee_id for v in vouches})
    if len(ids) < MIN_ACCOUNTS:
        return []
    index = {member_id: i for i, member_id in enumerate(ids)}
    givers = np.array([index[v.voucher_id] for v in vouches], dtype=np.int64)
    recipients = np.array([index[v.vouchee_id] for v in vouches], dtype=np.int64)
    times = np.array([v.at for v in vouches], dtype=np.float64)
    table = features(len(ids), givers, recipients, times, now)
    return [Flag(ids[f.account], f.score, f.reasons) for f in flag(table, share)]
