"""Faults injected by configuration, the real hourly budget, and the control API that is never faulted."""

from __future__ import annotations

import time
from collections.abc import Callable

import github
import pytest

from localgithub.state import State
from tests.localgithub.conftest import ADMIN, LocalGitHub, acme_seed, connect, serving

Connect = Callable[..., github.Github]


def test_a_rate_limit_fault_looks_like_githubs_primary_rate_limit(
    local_github: LocalGitHub, admin: github.Github
) -> None:
    local_github.set_faults(rate_limit_share=1.0)
    with pytest.raises(github.RateLimitExceededException) as raised:
        admin.get_user("maria")
    error, headers = raised.value, raised.value.headers or {}
    assert error.status == 403
    assert error.data["message"].startswith("API rate limit exceeded for user ID 1.")
    assert headers["x-ratelimit-remaining"] == "0"
    assert int(headers["x-ratelimit-reset"]) > time.time()
    assert headers["x-ratelimit-limit"] == "5000"


def test_a_secondary_rate_limit_fault_says_when_to_retry(
    local_github: LocalGitHub, admin: github.Github
) -> None:
    local_github.set_faults(secondary_rate_limit_share=1.0, retry_after_seconds=7)
    with pytest.raises(github.RateLimitExceededException) as raised:
        admin.get_repo("acme/widgets")
    assert (raised.value.headers or {})["retry-after"] == "7"
    assert raised.value.data["message"].startswith("You have exceeded a secondary rate limit")


def test_server_error_faults_are_502_or_503_and_repeat_with_the_same_seed(
    local_github: LocalGitHub, admin: github.Github
) -> None:
    def statuses() -> list[int]:
        local_github.set_faults(server_error_share=0.5, random_seed=7)
        seen = []
        for _ in range(12):
            try:
                admin.get_rate_limit()
                seen.append(200)
            except github.GithubException as error:
                seen.append(error.status)
        return seen

    first = statuses()
    assert set(first) == {200, 502, 503}
    assert statuses() == first


def test_configured_latency_is_observed(local_github: LocalGitHub, admin: github.Github) -> None:
    local_github.set_faults(latency_seconds=0.25)
    started = time.monotonic()
    admin.get_rate_limit()
    assert time.monotonic() - started >= 0.25


def test_the_control_api_is_never_faulted(local_github: LocalGitHub) -> None:
    local_github.set_faults(server_error_share=1.0, latency_seconds=5)
    started = time.monotonic()
    assert local_github.control.get("/_local/state").status_code == 200
    assert time.monotonic() - started < 1
    assert local_github.control.post("/_local/reset").json()["repos"][0]["full_name"] == "acme/widgets"
    assert local_github.control.get("/_local/faults").json()["server_error_share"] == 0


def test_fault_settings_are_validated(local_github: LocalGitHub) -> None:
    response = local_github.control.post(
        "/_local/faults", json={"server_error_share": 0.6, "rate_limit_share": 0.6}
    )
    assert response.status_code == 422
    assert local_github.control.post("/_local/faults", json={"no_such_fault": 1}).status_code == 422


def test_the_hourly_budget_runs_out_except_for_reading_it() -> None:
    with serving(State(acme_seed(core_rate_limit=2))) as url:
        client = connect(url, ADMIN)
        try:
            client.get_user("maria")
            client.get_user("sam")
            with pytest.raises(github.RateLimitExceededException):
                client.get_user("olga")
            assert client.get_rate_limit().resources.core.remaining == 0
        finally:
            client.close()
