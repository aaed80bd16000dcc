"""Mentor matching: a fit score that explains itself, and the assignment with the greatest total fit that
keeps every mentor within capacity, spreads load, honours organizer overrides and "never pair" pairs,
and reports each mentee it cannot place with the reason.

The assignment is a minimum-cost bipartite matching (scipy's LAPJVsp) between mentees and mentor slots:
slot k of a mentor costs a little more than slot k-1, so load spreads unless fit says otherwise; each
mentee also has a private "unmatched" column that costs more than any real pairing, so a mentee is
left out only when no slot is free for them. Only each mentee's best candidates enter the graph, which
keeps 10,000 x 2,000 sparse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching
from sklearn.feature_extraction.text import TfidfVectorizer

WEIGHTS = {"skills": 0.55, "time zones": 0.25, "project": 0.1, "chapter": 0.1}
WORKING_HOURS = range(9, 21)  # local hours when volunteers are usually reachable
LOAD_PENALTY = 0.01  # per mentee a mentor already has in this assignment
CANDIDATES = 25  # best mentors kept per mentee
UNMATCHED_COST, REAL_COST_BASE = 3.0, 2.0
REFERENCE_DAY = datetime(2026, 1, 15, tzinfo=UTC)  # a fixed day, so scores do not move with DST


@dataclass(frozen=True)
class Mentor:
    id: str
    skills: tuple[str, ...]
    capacity: int
    timezone: str
    languages: tuple[str, ...]
    chapters: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mentee:
    id: str
    skills: tuple[str, ...]
    timezone: str
    languages: tuple[str, ...]
    chapter: str | None = None
    project: str | None = None


@dataclass(frozen=True)
class Proposal:
    mentee: str
    mentor: str | None
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Constraints:
    forced: dict[str, str] = field(default_factory=dict)  # mentee -> mentor, an organizer's override
    never: frozenset[tuple[str, str]] = frozenset()  # (mentee, mentor) pairs never to propose


def overlap_hours(a: str, b: str) -> int:
    return len(_working_hours_utc(a) & _working_hours_utc(b))


@cache
def _working_hours_utc(zone: str) -> frozenset[int]:
    offset = ZoneInfo(zone).utcoffset(REFERENCE_DAY.replace(tzinfo=None))
    hours = (offset.total_seconds() if offset else 0) / 3600
    return frozenset(int(h - hours) % 24 for h in WORKING_HOURS)


def match(
    mentors: Sequence[Mentor], mentees: Sequence[Mentee], constraints: Constraints | None = None
) -> list[Proposal]:
    constraints = constraints or Constraints()
    index = {m.id: j for j, m in enumerate(mentors)}
    capacity = np.array([m.capacity for m in mentors], dtype=np.int64)
    skills = _skill_similarity(mentors, mentees)
    proposals: dict[str, Proposal] = {}
    for i, mentee in enumerate(mentees):
        j = index.get(constraints.forced.get(mentee.id, ""), -1)
        if j >= 0:
            score, reasons = _fit(mentee, mentors[j], float(skills[i, j]))
            proposals[mentee.id] = Proposal(mentee.id, mentors[j].id, score, ("organizer's choice", *reasons))
            capacity[j] -= 1
    open_rows = [i for i, m in enumerate(mentees) if m.id not in proposals]
    proposals |= _assign(mentors, mentees, open_rows, skills, capacity, constraints)
    return [proposals[m.id] for m in mentees]


def _scores(mentors: Sequence[Mentor], mentees: Sequence[Mentee], skills: np.ndarray) -> np.ndarray:
    """The fit of every mentee with every mentor; -inf where they share no language."""
    zones = sorted({m.timezone for m in mentors} | {m.timezone for m in mentees})
    overlap = np.array([[overlap_hours(a, b) for b in zones] for a in zones], dtype=np.float32)
    zone_of = {z: n for n, z in enumerate(zones)}
    hours = overlap[np.ix_([zone_of[m.timezone] for m in mentees], [zone_of[m.timezone] for m in mentors])]
    score = WEIGHTS["skills"] * skills.astype(np.float32) + WEIGHTS["time zones"] * hours / len(WORKING_HOURS)
    score += WEIGHTS["project"] * _shares(mentees, mentors, lambda m: (m.project,), lambda m: m.projects)
    score += WEIGHTS["chapter"] * _shares(mentees, mentors, lambda m: (m.chapter,), lambda m: m.chapters)
    speaks = _shares(mentees, mentors, lambda m: m.languages, lambda m: m.languages)
    return np.where(speaks > 0, score, -np.inf)


def _shares(mentees: Sequence[Mentee], mentors: Sequence[Mentor], left: Any, right: Any) -> np.ndarray:
    """1 where a mentee and a mentor have a value in common (a language, a project), else 0."""
    values = sorted({v for m in mentees for v in left(m) if v} | {v for m in mentors for v in right(m) if v})
    position = {v: n for n, v in enumerate(values)}
    a = np.zeros((len(mentees), len(values)), dtype=np.float32)
    b = np.zeros((len(mentors), len(values)), dtype=np.float32)
    for n, mentee in enumerate(mentees):
        a[n, [position[v] for v in left(mentee) if v]] = 1
    for n, mentor in enumerate(mentors):
        b[n, [position[v] for v in right(mentor) if v]] = 1
    shared: np.ndarray = np.minimum(a @ b.T, 1)
    return shared


def _assign(
    mentors: Sequence[Mentor],
    mentees: Sequence[Mentee],
    open_rows: list[int],
    skills: np.ndarray,
    capacity: np.ndarray,
    constraints: Constraints,
) -> dict[str, Proposal]:
    if not open_rows:
        return {}
    scores = _scores(mentors, [mentees[i] for i in open_rows], skills[open_rows])
    column_of = {m.id: j for j, m in enumerate(mentors)}
    row_of = {mentees[i].id: r for r, i in enumerate(open_rows)}
    for mentee_id, mentor_id in constraints.never:
        if mentee_id in row_of and mentor_id in column_of:
            scores[row_of[mentee_id], column_of[mentor_id]] = -np.inf
    speaks = np.isfinite(scores).any(axis=1)
    scores[:, capacity <= 0] = -np.inf
    first_slot = np.concatenate([[0], np.cumsum(np.maximum(capacity, 0))])
    slot_count = int(first_slot[-1])
    k = min(CANDIDATES, len(mentors))
    best = np.argpartition(-scores, k - 1, axis=1)[:, :k] if k else np.zeros((len(open_rows), 0), int)
    rows, cols, costs = [], [], []
    for r in range(len(open_rows)):
        for j in best[r]:
            if np.isfinite(scores[r, j]):
                for slot in range(int(capacity[j])):
                    rows.append(r)
                    cols.append(int(first_slot[j]) + slot)
                    costs.append(REAL_COST_BASE - float(scores[r, j]) + LOAD_PENALTY * slot)
        rows.append(r)
        cols.append(slot_count + r)  # this mentee's own "unmatched" column
        costs.append(UNMATCHED_COST)
    graph = csr_matrix((costs, (rows, cols)), shape=(len(open_rows), slot_count + len(open_rows)))
    _, assigned = min_weight_full_bipartite_matching(graph)
    mentor_of_slot = np.repeat(np.arange(len(mentors)), np.maximum(capacity, 0))
    result = {}
    for r, column in enumerate(assigned):
        i = open_rows[r]
        mentee = mentees[i]
        if column >= slot_count:
            reason = (
                "no mentor shares a language with them"
                if not speaks[r]
                else "every mentor who shares a language is at capacity"
                if not np.isfinite(scores[r]).any()
                else "the places of every suitable mentor went to better fits"
            )
            result[mentee.id] = Proposal(mentee.id, None, 0.0, (reason,))
            continue
        j = int(mentor_of_slot[column])
        score, reasons = _fit(mentee, mentors[j], float(skills[i, j]))
        result[mentee.id] = Proposal(mentee.id, mentors[j].id, score, reasons)
    return result


def _fit(mentee: Mentee, mentor: Mentor, skill_similarity: float) -> tuple[float, tuple[str, ...]]:
    overlap = overlap_hours(mentee.timezone, mentor.timezone)
    shared_skills = sorted(set(mentee.skills) & set(mentor.skills))
    parts = {
        "skills": skill_similarity,
        "time zones": overlap / len(WORKING_HOURS),
        "project": float(mentee.project is not None and mentee.project in mentor.projects),
        "chapter": float(mentee.chapter is not None and mentee.chapter in mentor.chapters),
    }
    score = round(sum(WEIGHTS[k] * v for k, v in parts.items()), 4)
    languages = sorted(set(mentee.languages) & set(mentor.languages))
    reasons = [
        f"skills {skill_similarity:.2f}"
        + (f" (shared: {', '.join(shared_skills)})" if shared_skills else ""),
        f"{overlap} working hours overlap",
        f"language: {', '.join(languages)}",
    ]
    if parts["project"]:
        reasons.append(f"same project ({mentee.project})")
    if parts["chapter"]:
        reasons.append(f"same chapter ({mentee.chapter})")
    return score, tuple(reasons)


def _skill_similarity(mentors: Sequence[Mentor], mentees: Sequence[Mentee]) -> np.ndarray:
    """Cosine similarity of TF-IDF vectors over skill words, mentees by mentors."""
    texts = [" ".join(m.skills) for m in mentees] + [" ".join(m.skills) for m in mentors]
    if not any(t.strip() for t in texts):
        return np.zeros((len(mentees), len(mentors)))
    # A skill may hold punctuation ("c++", "node.js"), so only whitespace separates words.
    vectors = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=True).fit_transform(texts)
    similarity = vectors[: len(mentees)] @ vectors[len(mentees) :].T
    return np.asarray(similarity.todense())
