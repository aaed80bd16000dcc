"""Mentor matching: the assignment equals a brute-force optimum on small instances, never exceeds a
mentor's capacity, respects overrides and "never pair" pairs, and explains every proposal."""

from __future__ import annotations

import itertools
import random

import pytest

from domain import matching
from domain.matching import Constraints, Mentee, Mentor, Proposal, match

SKILLS = ("python", "react", "sql", "design", "canvassing", "node.js", "c++")
ZONES = ("America/New_York", "America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata")


def instance(seed: int, mentors: int, mentees: int) -> tuple[list[Mentor], list[Mentee]]:
    rng = random.Random(seed)
    return (
        [
            Mentor(
                f"m{i}",
                tuple(rng.sample(SKILLS, 2)),
                rng.randint(0, 2),
                rng.choice(ZONES),
                tuple(rng.sample(("en", "es"), rng.randint(1, 2))),
                (f"c{rng.randint(0, 1)}",),
            )
            for i in range(mentors)
        ],
        [
            Mentee(
                f"e{i}",
                tuple(rng.sample(SKILLS, 2)),
                rng.choice(ZONES),
                (rng.choice(("en", "es", "fr")),),
                f"c{rng.randint(0, 1)}",
            )
            for i in range(mentees)
        ],
    )


def cost(proposals: list[Proposal]) -> float:
    """The objective the assignment minimizes: unplaced mentees first, then fit, then load spread."""
    load: dict[str, int] = {}
    total = 0.0
    for p in proposals:
        if p.mentor is None:
            total += matching.UNMATCHED_COST
            continue
        total += matching.REAL_COST_BASE - p.score + matching.LOAD_PENALTY * load.get(p.mentor, 0)
        load[p.mentor] = load.get(p.mentor, 0) + 1
    return total


def brute_force(mentors: list[Mentor], mentees: list[Mentee]) -> float:
    options = [None, *mentors]
    best = float("inf")
    for choice in itertools.product(options, repeat=len(mentees)):
        taken: dict[str, int] = {}
        proposals = []
        for mentee, mentor in zip(mentees, choice, strict=True):
            if mentor is None:
                proposals.append(Proposal(mentee.id, None, 0.0, ()))
                continue
            if not set(mentee.languages) & set(mentor.languages):
                break
            taken[mentor.id] = taken.get(mentor.id, 0) + 1
            if taken[mentor.id] > mentor.capacity:
                break
            score, _ = matching._fit(mentee, mentor, _skills(mentors, mentees)[mentee.id, mentor.id])
            proposals.append(Proposal(mentee.id, mentor.id, score, ()))
        else:
            best = min(best, cost(proposals))
    return best


def _skills(mentors: list[Mentor], mentees: list[Mentee]) -> dict[tuple[str, str], float]:
    table = matching._skill_similarity(mentors, mentees)
    return {(e.id, m.id): float(table[i, j]) for i, e in enumerate(mentees) for j, m in enumerate(mentors)}


@pytest.mark.parametrize("seed", range(12))
def test_the_assignment_is_as_good_as_a_brute_force_search(seed: int) -> None:
    mentors, mentees = instance(seed, mentors=3, mentees=5)

    proposals = match(mentors, mentees)

    assert cost(proposals) == pytest.approx(brute_force(mentors, mentees), abs=1e-3)


@pytest.mark.parametrize("seed", range(5))
def test_no_mentor_is_given_more_than_their_capacity(seed: int) -> None:
    mentors, mentees = instance(seed, mentors=6, mentees=20)

    proposals = match(mentors, mentees)

    capacity = {m.id: m.capacity for m in mentors}
    for mentor_id in capacity:
        assert sum(p.mentor == mentor_id for p in proposals) <= capacity[mentor_id]


def test_unplaced_mentees_are_reported_with_the_reason() -> None:
    mentors = [Mentor("m1", ("python",), 1, "UTC", ("en",))]
    mentees = [
        Mentee("a", ("python",), "UTC", ("en",)),
        Mentee("b", ("sql",), "UTC", ("en",)),
        Mentee("c", ("python",), "UTC", ("fr",)),
    ]

    by_mentee = {p.mentee: p for p in match(mentors, mentees)}

    assert by_mentee["a"].mentor == "m1"
    assert by_mentee["b"].reasons == ("the places of every suitable mentor went to better fits",)
    assert by_mentee["c"].reasons == ("no mentor shares a language with them",)


def test_overrides_come_first_and_never_pairs_are_never_proposed() -> None:
    mentors = [Mentor("m1", ("python",), 1, "UTC", ("en",)), Mentor("m2", ("design",), 2, "UTC", ("en",))]
    mentees = [Mentee("a", ("python",), "UTC", ("en",)), Mentee("b", ("python",), "UTC", ("en",))]

    proposals = match(mentors, mentees, Constraints(forced={"a": "m2"}, never=frozenset({("b", "m1")})))

    assert [(p.mentee, p.mentor) for p in proposals] == [("a", "m2"), ("b", "m2")]
    assert proposals[0].reasons[0] == "organizer's choice"


def test_every_proposal_explains_its_score() -> None:
    mentors = [Mentor("m1", ("python", "sql"), 1, "Europe/Berlin", ("en", "es"), projects=("spoke",))]
    mentees = [Mentee("a", ("python",), "Europe/Paris", ("es",), project="spoke")]

    [proposal] = match(mentors, mentees)

    assert proposal.reasons[0].startswith("skills ") and "shared: python" in proposal.reasons[0]
    assert proposal.reasons[1:] == ("12 working hours overlap", "language: es", "same project (spoke)")
    assert 0 < proposal.score <= 1


@pytest.mark.parametrize(
    ("a", "b", "hours"),
    [("UTC", "UTC", 12), ("UTC", "Asia/Kolkata", 6), ("America/Los_Angeles", "Asia/Tokyo", 5)],
)
def test_time_zone_overlap_counts_shared_working_hours(a: str, b: str, hours: int) -> None:
    assert matching.overlap_hours(a, b) == hours
