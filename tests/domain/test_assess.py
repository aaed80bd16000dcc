from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain.policy import load_policy
from domain.trust.assess import MemberFacts, VouchEdge, assess
from domain.trust.levels import Action
from domain.vouching import Relation

NOW = datetime(2026, 11, 21, tzinfo=UTC)
POLICY = load_policy(Path(__file__).resolve().parents[2] / "community.example.toml")


def member(
    member_id: int, chapter: int | None, *, root: bool = False, days: int = 100, level: int = 0
) -> MemberFacts:
    return MemberFacts(member_id, NOW - timedelta(days=days), chapter, root, level)


def test_two_organizers_from_different_chapters_make_a_member_and_explain_it() -> None:
    members = [member(1, 10, root=True), member(2, 20, root=True), member(3, 10), member(4, 10)]
    vouches = [
        VouchEdge(1, 3, Relation.WORKED_TOGETHER),
        VouchEdge(2, 3, Relation.ORGANIZER_INTERVIEW),
        VouchEdge(1, 4, Relation.MET_AT_EVENT),
    ]

    results = {a.member_id: a for a in assess(members, vouches, POLICY, NOW)}

    promoted, waiting = results[3], results[4]
    assert (promoted.decision.name, promoted.decision.action) == ("member", Action.PROMOTE)
    assert promoted.advogato_level == 3  # certified at Master by an organizer interview
    assert (waiting.decision.name, waiting.decision.action) == ("newcomer", Action.KEEP)
    assert [(r.requirement, r.value) for r in waiting.decision.missing] == [
        ("Vouches from members", 1.0),
        ("Chapters your vouches come from", 1.0),
    ]
    assert waiting.advogato_level == 1 and waiting.rank_score > 0


def test_vouches_among_accounts_the_seeds_never_reached_earn_no_certification() -> None:
    members = [member(1, 10, root=True), member(5, None), member(6, None), member(7, None)]
    ring = [
        VouchEdge(5, 6, Relation.ORGANIZER_INTERVIEW),
        VouchEdge(6, 5, Relation.ORGANIZER_INTERVIEW),
        VouchEdge(7, 5, Relation.ORGANIZER_INTERVIEW),
        VouchEdge(7, 6, Relation.ORGANIZER_INTERVIEW),
    ]

    results = {a.member_id: a for a in assess(members, ring, POLICY, NOW)}

    assert [results[i].advogato_level for i in (5, 6, 7)] == [0, 0, 0]
    assert [results[i].rank_score for i in (5, 6, 7)] == [0.0, 0.0, 0.0]
    assert [results[i].decision.name for i in (5, 6, 7)] == ["newcomer"] * 3  # vouches from the uncertified
    assert "Certification level (1 apprentice, 2 journeyer, 3 master)" in [
        r.requirement for r in results[5].decision.missing
    ]


def test_a_community_without_organizers_still_gets_a_decision_for_everyone() -> None:
    results = assess(
        [member(1, None), member(2, None)], [VouchEdge(1, 2, Relation.MET_AT_EVENT)], POLICY, NOW
    )
    assert [(a.advogato_level, a.rank_score, a.decision.name) for a in results] == [
        (0, 0.0, "newcomer"),
        (0, 0.0, "newcomer"),
    ]
