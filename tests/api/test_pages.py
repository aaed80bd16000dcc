"""Helpers every server-rendered page shares."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from api.pages import back_to


def _posted_from(referer: str | None) -> Request:
    headers = [(b"host", b"perennial.example.org")]
    if referer is not None:
        headers.append((b"referer", referer.encode()))
    scope = {"type": "http", "method": "POST", "scheme": "https", "path": "/access/7/decision",
             "query_string": b"", "headers": headers, "server": ("perennial.example.org", 443)}  # fmt: skip
    return Request(scope)


@pytest.mark.parametrize(
    ("referer", "back"),
    [
        ("https://perennial.example.org/members/12?tab=access", "/members/12?tab=access"),
        ("https://perennial.example.org/access/approvals", "/access/approvals"),
        ("https://evil.example/phish", "/fallback"),
        ("https://perennial.example.org.evil.example/x", "/fallback"),
        ("//evil.example/x", "/fallback"),
        ("javascript:alert(1)", "/fallback"),
        ("", "/fallback"),
        (None, "/fallback"),
    ],
)
def test_a_form_returns_to_the_page_it_was_on_only_if_that_page_is_ours(
    referer: str | None, back: str
) -> None:
    assert back_to(_posted_from(referer), "/fallback") == back
