"""Security headers on every response, and rate limits on the routes anyone may call (sign-up, sign-in,
"I'm back", share links): one place each, so a new public route is covered without remembering to."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from typing import Any

from asgi_csrf import asgi_csrf
from fastapi import HTTPException, Request
from fastapi.responses import PlainTextResponse
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from secure import (
    ContentSecurityPolicy,
    ReferrerPolicy,
    Secure,
    StrictTransportSecurity,
    XContentTypeOptions,
    XFrameOptions,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
    """Per client address: reads and writes have separate budgets, and each write path its own.

    Counted in this process's memory by default; with several web processes, give them one store
    (`PERENNIAL_RATE_LIMIT_STORAGE=redis://host:6379`) or each counts on its own.
    """

    def __init__(self, reads: str, writes: str, storage: str = "memory://") -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage))
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


# asgi-csrf cannot read multipart bodies since python-multipart 0.0.26 (simonw/asgi-csrf#38, open), and
# older python-multipart has known CVEs. So the middleware skips the upload routes, which check the same
# signed double-submit token themselves (`upload_csrf`), and every other route refuses multipart bodies.
UPLOAD_ROUTES = frozenset(
    {"/transfer/members", "/transfer/contributions", "/api/import/members", "/api/import/contributions"}
)
CSRF_COOKIE = CSRF_FIELD = CSRF_NAMESPACE = "csrftoken"


def _is_multipart(scope: Mapping[str, Any]) -> bool:
    headers: dict[bytes, bytes] = dict(scope.get("headers", []))
    return headers.get(b"content-type", b"").startswith(b"multipart/form-data")


def is_upload(scope: Mapping[str, Any]) -> bool:
    return scope["path"] in UPLOAD_ROUTES and _is_multipart(scope)


def _reads_api(scope: Mapping[str, Any]) -> bool:
    return scope["method"] in ("GET", "HEAD") and scope["path"].startswith("/api/")


class CsrfProtection:
    """asgi-csrf's signed double-submit check on every write, and its token for every page's forms.

    A read of the JSON API has nothing to forge and renders no form, yet asgi-csrf parses and verifies the
    cookie on every request it sees (40 us, a fifth of a member's status request in-process): those reads
    go round it."""

    def __init__(self, app: ASGIApp, *, signing_secret: str, secure: bool, always_protect: set[str]) -> None:
        self.unprotected = app
        self.protected = asgi_csrf(
            app,
            signing_secret=signing_secret,
            cookie_secure=secure,
            always_protect=always_protect,
            skip_if_scope=is_upload,  # checked by upload_csrf; asgi-csrf consults this for writes only
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _reads_api(scope):
            await self.unprotected(scope, receive, send)
        else:
            await self.protected(scope, receive, send)


class UploadsOnlyWhereExpected:
    """415 for a multipart body anywhere but the upload routes (it would crash asgi-csrf, see above)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] not in ("GET", "HEAD")  # a read's body is never parsed
            and _is_multipart(scope)
            and scope["path"] not in UPLOAD_ROUTES
        ):
            response = PlainTextResponse("This address takes no file uploads.", status_code=415)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def upload_csrf(request: Request) -> None:
    """The double-submit check asgi-csrf makes, for upload routes: a token sent as the form field or the
    X-CSRFToken header must equal the signed cookie. A bearer token carries no ambient credential."""
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get("x-csrftoken") or (await request.form()).get(CSRF_FIELD)
    try:
        URLSafeSerializer(request.app.state.settings.secret_key).loads(cookie, salt=CSRF_NAMESPACE)
    except BadSignature:
        raise HTTPException(403, "The form's security token is missing or stale; reload the page.") from None
    if not isinstance(sent, str) or not secrets.compare_digest(sent, cookie):
        raise HTTPException(403, "The form's security token does not match; reload the page.")


class SecurityHeaders:
    """`secure`'s headers on every response, replacing any a route set. Its own middleware rebuilds the
    header mapping for each response (about 70 us, a quarter of a bare request here); they never change,
    so they are encoded once."""

    def __init__(self, app: ASGIApp, secure: Secure) -> None:
        self.app = app
        self._headers = [
            (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in secure.headers.items()
        ]
        self._names = frozenset(name for name, _ in self._headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in self._names]
                message["headers"] = kept + self._headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
