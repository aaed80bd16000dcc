"""Sign-in tokens: they round-trip, and a tampered, foreign or expired token is refused with the reason."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from itsdangerous import TimestampSigner

from domain.errors import Rejected
from domain.sign_in import LINK_LIFETIME_SECONDS, SignInClaim, issue_token, read_token

SECRET = "a-test-secret-that-is-long-enough-for-hmac"


def issued_seconds_ago(monkeypatch: pytest.MonkeyPatch, seconds: int, claim: SignInClaim) -> str:
    """A token stamped `seconds` in the past, as if the link was mailed then."""
    stamped = int(time.time()) - seconds
    with monkeypatch.context() as m:
        m.setattr(TimestampSigner, "get_timestamp", lambda self: stamped)
        return issue_token(SECRET, claim)


@pytest.mark.parametrize("claim", [SignInClaim(1, 0), SignInClaim(123456, 42)])
def test_a_token_reads_back_as_the_claim_it_was_issued_for(claim: SignInClaim) -> None:
    token = issue_token(SECRET, claim)

    assert read_token(SECRET, token) == claim


def test_a_token_is_url_safe() -> None:
    token = issue_token(SECRET, SignInClaim(5, 9))

    assert set(token) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def test_a_token_whose_claim_was_swapped_is_not_valid() -> None:
    mine = issue_token(SECRET, SignInClaim(1, 0))
    theirs = issue_token(SECRET, SignInClaim(2, 0))
    forged = theirs.split(".")[0] + "." + mine.split(".", 1)[1]
    assert forged not in (mine, theirs)

    with pytest.raises(Rejected) as rejected:
        read_token(SECRET, forged)

    assert str(rejected.value) == "This sign-in link is not valid; ask for a new one."


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda t: t[:-8], id="truncated"),
        pytest.param(lambda t: t + "x", id="extended"),
        pytest.param(lambda t: "A" + t[1:] if t[0] != "A" else "B" + t[1:], id="first-character-changed"),
        pytest.param(lambda t: "not-a-token", id="garbage"),
        pytest.param(lambda t: "", id="empty"),
    ],
)
def test_a_damaged_token_is_not_valid(damage: Callable[[str], str]) -> None:
    token = issue_token(SECRET, SignInClaim(1, 0))

    with pytest.raises(Rejected, match="not valid"):
        read_token(SECRET, damage(token))


def test_a_token_signed_with_another_secret_is_not_valid() -> None:
    token = issue_token("some-other-secret-from-another-deployment", SignInClaim(1, 0))

    with pytest.raises(Rejected) as rejected:
        read_token(SECRET, token)

    assert str(rejected.value) == "This sign-in link is not valid; ask for a new one."


def test_a_token_past_its_max_age_has_expired() -> None:
    token = issue_token(SECRET, SignInClaim(1, 0))

    with pytest.raises(Rejected) as rejected:
        read_token(SECRET, token, max_age=-1)

    assert str(rejected.value) == "This sign-in link has expired; ask for a new one."


def test_a_sign_in_link_lasts_thirty_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    claim = SignInClaim(3, 1)
    fresh = issued_seconds_ago(monkeypatch, LINK_LIFETIME_SECONDS - 60, claim)
    stale = issued_seconds_ago(monkeypatch, LINK_LIFETIME_SECONDS + 60, claim)

    assert LINK_LIFETIME_SECONDS == 30 * 60
    assert read_token(SECRET, fresh) == claim
    with pytest.raises(Rejected, match="expired"):
        read_token(SECRET, stale)


def test_an_expired_token_signed_with_another_secret_is_reported_not_valid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = issued_seconds_ago(monkeypatch, LINK_LIFETIME_SECONDS * 4, SignInClaim(1, 0))

    with pytest.raises(Rejected, match="not valid"):
        read_token("some-other-secret", token)
