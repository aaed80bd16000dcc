"""Voucher accountability, sponsor suggestions and the activity axis: pure rules at their thresholds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain import contributions, sponsors, vouching
from domain.contributions import Contribution, ContributionKind
from domain.trust.levels import Action, LevelsPolicy, Metric, TrustFacts, evaluate
from domain.vouching import Penalty, Reinstatement, Relation, Suspension, Vouch, VoucherFacts, VouchPolicy

NOW = datetime(2026, 11, 21, tzinfo=UTC)
LEVELS = ("newcomer", "member", "contributor", "trusted", "steward")


@pytest.mark.parametrize(("days_ago", "expected"), [(0, 2), (29, 2), (30, 1), (59, 1), (60, 0), (400, 0)])
def test_a_suspension_penalty_recovers_one_point_every_30_days(days_ago: int, expected: int) -> None:
    assert vouching.penalty([Penalty(2, NOW - timedelta(days=days_ago))], NOW) == expected


def test_penalties_add_up_and_shrink_the_budget_but_never_below_zero() -> None:
    penalties = [Penalty(2, NOW), Penalty(2, NOW - timedelta(days=31)), Penalty(9, NOW)]
    lost = vouching.penalty(penalties, NOW)
    facts = VoucherFacts(1, 2, "contributor", 90, 0, penalty=lost)

    assert lost == 12
    assert vouching.budget(facts, VouchPolicy()) == 0
    assert "reduced after a vouchee was suspended" in (
        vouching.voucher_refusal(facts, VouchPolicy(), LEVELS) or ""
    )


def test_a_suspended_member_cannot_vouch_for_anyone() -> None:
    facts = VoucherFacts(1, 4, "steward", 900, 0, suspended=True)
    assert vouching.voucher_refusal(facts, VouchPolicy(), LEVELS) == (
        "Your membership is suspended, so you cannot vouch for anyone."
    )


@pytest.mark.parametrize(
    ("suspended", "change", "reason"),
    [
        (False, Suspension(9, "too short", 2), "at least 10 characters"),
        (True, Suspension(9, "Shared the volunteer list outside.", 2), "already suspended"),
        (False, Reinstatement(9, "The report was mistaken."), "not suspended"),
        (False, Suspension(9, "Shared the volunteer list outside.", 2), None),
        (True, Reinstatement(9, "The report was mistaken."), None),
    ],
)
def test_suspending_and_reinstating_need_a_reason_and_the_right_state(
    suspended: bool, change: Suspension | Reinstatement, reason: str | None
) -> None:
    refusal = vouching.suspension_refusal(suspended, change)
    assert (refusal is None) if reason is None else (reason in (refusal or ""))


def test_suggestions_skip_people_who_cannot_vouch_or_have_no_shared_work_and_put_new_chapters_first() -> None:
    candidates = [
        sponsors.Candidate(1, "Same chapter, lots of work", 10, ("a", "b", "c")),
        sponsors.Candidate(2, "Other chapter", 20, ("works on Spoke too",)),
        sponsors.Candidate(3, "No shared work", 30, ()),
        sponsors.Candidate(4, "Cannot vouch", 40, ("a",), cannot_vouch="too new"),
        sponsors.Candidate(5, "Already vouched", 50, ("a",)),
    ]
    have = [Vouch(5, 10, Relation.WORKED_TOGETHER)]

    found = sponsors.suggest(candidates, have, VouchPolicy())

    assert [(s.member_id, s.adds_chapter) for s in found] == [(2, True), (1, False)]


def test_once_the_chapter_rule_is_met_suggestions_rank_by_shared_work_alone() -> None:
    candidates = [sponsors.Candidate(1, "a", 10, ("x",)), sponsors.Candidate(2, "b", 30, ("x", "y"))]
    have = [Vouch(7, 10, Relation.WORKED_TOGETHER), Vouch(8, 20, Relation.MET_AT_EVENT)]

    assert [s.member_id for s in sponsors.suggest(candidates, have, VouchPolicy())] == [2, 1]


def test_activity_halves_every_half_life_and_counts_only_the_last_year() -> None:
    work = [
        Contribution(ContributionKind.PR_MERGED, NOW),
        Contribution(ContributionKind.PR_MERGED, NOW - timedelta(days=90)),
        Contribution(ContributionKind.REVIEW, NOW - timedelta(days=400)),
        Contribution(ContributionKind.COMMIT, NOW + timedelta(days=1)),
    ]
    found = contributions.signals(work, NOW, half_life_days=90)

    assert found.contributions == 2
    assert found.activity == pytest.approx(2.0 + 1.0 + 1.5 * 0.5 ** (400 / 90), abs=1e-3)


def test_only_known_contribution_kinds_are_read_from_the_ledger() -> None:
    assert contributions.kind_of("contribution.review") is ContributionKind.REVIEW
    assert contributions.kind_of("contribution.dance") is None
    assert contributions.kind_of("vouch.given") is None


def test_a_suspended_member_falls_to_the_first_level_with_the_reason() -> None:
    values = {Metric.VOUCHES: 5, Metric.VOUCH_CHAPTERS: 3, Metric.ADVOGATO_LEVEL: 3}
    decision = evaluate(TrustFacts(values, 2, NOW, suspended=True), LevelsPolicy())

    assert (decision.level, decision.action) == (0, Action.DEMOTE)
    assert "Suspended by an organizer" in decision.reason
