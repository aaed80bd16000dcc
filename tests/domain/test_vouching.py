from __future__ import annotations

from pathlib import Path

import pytest

from domain.errors import PolicyError
from domain.policy import load_policy, parse_policy
from domain.vouching import Relation, Vouch, VoucherFacts, VouchPolicy, VouchRequest, refusal, requirement_met

POLICY = VouchPolicy()
LEVELS = ("newcomer", "member", "contributor", "trusted", "steward")
EXAMPLE = Path(__file__).resolve().parents[2] / "community.example.toml"


def request(
    voucher_id: int = 1,
    *,
    level: int = 2,
    age: int = 90,
    used: int = 0,
    penalty: int = 0,
    statement: str = "We shipped the polling-place finder together.",
) -> VouchRequest:
    facts = VoucherFacts(voucher_id, level, LEVELS[level], age, used, penalty)
    return VouchRequest(facts, statement, Relation.WORKED_TOGETHER, POLICY, LEVELS)


def refused(
    req: VouchRequest, vouchee: int = 9, existing: tuple[Vouch, ...] = (), suspended: bool = False
) -> str | None:
    return refusal(req, vouchee, existing, suspended)


def test_an_eligible_voucher_may_vouch() -> None:
    assert refused(request()) is None


@pytest.mark.parametrize(
    ("req", "kwargs", "reason"),
    [
        (request(voucher_id=9), {}, "cannot vouch for yourself"),
        (request(), {"suspended": True}, "suspended"),
        (request(), {"existing": (Vouch(1, None, Relation.MET_AT_EVENT),)}, "already vouched"),
        (request(level=0), {}, "needs the level 'member'; you are 'newcomer'"),
        (request(age=29), {}, "can in 1 more"),
        (request(used=5), {}, "used your 5 vouches"),
        (request(used=3, penalty=2), {}, "used your 3 vouches for the last 30 days (reduced after a vouchee"),
        (request(statement="  "), {}, "how you know their work"),
    ],
)
def test_a_vouch_is_refused_with_the_reason(
    req: VouchRequest, kwargs: dict[str, object], reason: str
) -> None:
    assert reason in (refused(req, **kwargs) or "")  # type: ignore[arg-type]


@pytest.mark.parametrize(("age", "used"), [(30, 4), (365, 0)])
def test_the_thresholds_themselves_are_allowed(age: int, used: int) -> None:
    assert refused(request(age=age, used=used)) is None


@pytest.mark.parametrize(
    ("vouches", "met"),
    [
        ((Vouch(1, 10, Relation.WORKED_TOGETHER),), False),
        ((Vouch(1, 10, Relation.WORKED_TOGETHER), Vouch(2, 10, Relation.MET_AT_EVENT)), False),
        ((Vouch(1, 10, Relation.WORKED_TOGETHER), Vouch(2, 11, Relation.MET_AT_EVENT)), True),
        ((Vouch(1, None, Relation.WORKED_TOGETHER), Vouch(2, None, Relation.ORGANIZER_INTERVIEW)), True),
    ],
)
def test_enough_vouches_means_enough_of_them_from_distinct_chapters(
    vouches: tuple[Vouch, ...], met: bool
) -> None:
    assert requirement_met(vouches, POLICY) is met


def test_the_example_policy_spells_out_the_default_vouching_rules() -> None:
    assert load_policy(EXAMPLE).vouching == VouchPolicy()


def test_a_minimum_voucher_level_that_names_no_level_is_refused() -> None:
    with pytest.raises(PolicyError, match="min_voucher_level 7 names no level; levels are numbered 0 to 4"):
        parse_policy(EXAMPLE.read_text().replace("min_voucher_level = 1 ", "min_voucher_level = 7 "))
