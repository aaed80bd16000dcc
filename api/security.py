"""Security headers on every response, and rate limits on the routes anyone may call (sign-up, sign-in,
"I'm back", share links): one place each, so a new public route is covered without remembering to."""

from __future__ import annotations

import time

from fastapi import Request
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from secure import (
    ContentSecurityPolicy,
    ReferrerPolicy,
    Secure,
    StrictTransportSecurity,
    XContentTypeOptions,
    XFrameOptions,
)

# Signed by the sender (webhooks) or polled by load balancers (health): not limited per client.
UNLIMITED_PREFIXES = ("/webhooks/", "/healthz", "/readyz")


def security_headers(https: bool) -> Secure:
    """Pages load only their own scripts (Plotly is served by the app); nobody may frame them."""
    csp = (
        ContentSecurityPolicy()
        .default_src("'self'")
        .script_src("'self'")
        .style_src("'self'", "'unsafe-inline'")  # Plotly styles its charts from script
        .img_src("'self'", "data:", "blob:")
        .object_src("'none'")
        .base_uri("'self'")
        .form_action("'self'")
        .frame_ancestors("'none'")
    )
    return Secure(
        csp=csp,
        xfo=XFrameOptions().deny(),
        referrer=ReferrerPolicy().strict_origin_when_cross_origin(),
        xcto=XContentTypeOptions(),
        hsts=StrictTransportSecurity().max_age(63_072_000) if https else None,
    )


class TooManyRequests(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests; try again in {retry_after} s")
        self.retry_after = retry_after


class PublicRateLimits:
    """Per client address, in this process's memory (each web process counts on its own): reads and
    writes have separate budgets, and each write path its own."""

    def __init__(self, reads: str, writes: str) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._reads, self._writes = parse(reads), parse(writes)

    def check(self, request: Request) -> None:
        path = request.url.path
        if path.startswith(UNLIMITED_PREFIXES):
            return
        client = request.client.host if request.client else "unknown"
        writing = request.method not in ("GET", "HEAD", "OPTIONS")
        item, scope = (self._writes, path) if writing else (self._reads, "reads")
        if not self._limiter.hit(item, client, scope):
            reset = self._limiter.get_window_stats(item, client, scope).reset_time
            raise TooManyRequests(max(1, int(reset - time.time()) + 1))
