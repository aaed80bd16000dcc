from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from domain.errors import PolicyError
from domain.policy import load_policy, parse_policy
from domain.trust.levels import Action, LevelRule, LevelsPolicy, Metric, TrustFacts, evaluate

NOW = datetime(2026, 11, 21, tzinfo=UTC)
POLICY = LevelsPolicy()
STEWARD_READY = {
    Metric.VOUCHES: 2,
    Metric.VOUCH_CHAPTERS: 2,
    Metric.ADVOGATO_LEVEL: 3,
    Metric.CONTRIBUTIONS: 3,
    Metric.ACCOUNT_AGE_DAYS: 400,
    Metric.ACTIVITY: 9,
    Metric.RANK_PERCENTILE: 80,
}


def facts(level: int, **changes: float) -> TrustFacts:
    values = {**STEWARD_READY, **{Metric(k): v for k, v in changes.items()}}
    return TrustFacts(values, level, NOW)


def test_a_newcomer_without_vouches_stays_and_is_told_exactly_what_is_missing() -> None:
    decision = evaluate(
        TrustFacts({Metric.VOUCHES: 1, Metric.VOUCH_CHAPTERS: 1, Metric.ADVOGATO_LEVEL: 1}, 0, NOW), POLICY
    )

    assert (decision.name, decision.action, decision.next_level) == ("newcomer", Action.KEEP, "member")
    assert [(r.requirement, r.value, r.required) for r in decision.missing] == [
        ("Vouches from members", 1.0, 2.0),
        ("Chapters your vouches come from", 1.0, 2.0),
    ]


@pytest.mark.parametrize(("vouches", "level"), [(1, "newcomer"), (2, "member")])
def test_promotion_needs_every_requirement_at_its_threshold(vouches: int, level: str) -> None:
    values = {Metric.VOUCHES: vouches, Metric.VOUCH_CHAPTERS: 2, Metric.ADVOGATO_LEVEL: 1}
    assert evaluate(TrustFacts(values, 0, NOW), POLICY).name == level


def test_promotion_climbs_every_level_met_in_order_but_stops_at_the_first_gap() -> None:
    decision = evaluate(facts(0, contributions=0), POLICY)
    assert (decision.name, decision.action) == ("member", Action.PROMOTE)
    assert [r.requirement for r in decision.missing] == ["Contributions (merged PRs, reviews, events)"]


def test_the_top_level_waits_for_an_organizer_and_says_so() -> None:
    waiting = evaluate(facts(3), POLICY)
    approved = evaluate(TrustFacts(STEWARD_READY, 3, NOW, approved_for=frozenset({"steward"})), POLICY)

    assert (waiting.name, waiting.action) == ("trusted", Action.AWAIT_APPROVAL)
    assert [r.requirement for r in waiting.missing] == ["An organizer's approval"]
    assert (approved.name, approved.action) == ("steward", Action.PROMOTE)


@pytest.mark.parametrize(("activity", "action"), [(4.0, Action.KEEP), (3.99, Action.WARN)])
def test_a_member_keeps_a_level_down_to_the_low_water_mark(activity: float, action: Action) -> None:
    decision = evaluate(facts(3, activity=activity), POLICY)  # trusted needs 5; 0.8 of it to keep
    assert (decision.name, decision.action) == ("trusted", action)


def test_falling_below_warns_with_the_reason_and_the_date_then_demotes_after_the_grace_period() -> None:
    warned = evaluate(facts(3, activity=3), POLICY)
    still = evaluate(
        TrustFacts(facts(3, activity=3).values, 3, NOW, warned_at=NOW - timedelta(days=13)), POLICY
    )
    demoted = evaluate(
        TrustFacts(facts(3, activity=3).values, 3, NOW, warned_at=NOW - timedelta(days=14)), POLICY
    )

    assert warned.action is Action.WARN and "Recent activity score 3 < 4" in warned.reason
    assert "2026-12-05" in warned.reason
    assert (still.name, still.action) == ("trusted", Action.WARN)
    assert (demoted.name, demoted.action) == ("contributor", Action.DEMOTE)
    assert "after 14 days' notice" in demoted.reason


def test_a_policy_must_start_everyone_at_a_level_without_requirements() -> None:
    with pytest.raises(ValidationError, match="give it no requirements"):
        LevelsPolicy(levels=(LevelRule(name="x", needs_approval=True), LevelRule(name="y")))
    with pytest.raises(ValidationError, match="distinct names"):
        LevelsPolicy(levels=(LevelRule(name="x"), LevelRule(name="x")))


def test_the_example_policy_file_spells_out_exactly_the_default_levels() -> None:
    example = load_policy(Path(__file__).resolve().parents[2] / "community.example.toml")
    assert example.trust == LevelsPolicy()


def test_an_unknown_metric_in_the_policy_file_is_refused_naming_the_level() -> None:
    text = (Path(__file__).resolve().parents[2] / "community.example.toml").read_text()
    with pytest.raises(PolicyError, match=r"trust.levels\[3 'trusted'\].requires\[1\].metric = 'karma'"):
        parse_policy(text.replace('metric = "activity"', 'metric = "karma"'))
