"""What stands before every GitHub route: injected faults, the hourly budget, and rate-limit headers.

The control API under /_local/ passes untouched, so tests can always reach it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from localgithub.faults import FaultKind, Faults
from localgithub.ratelimit import ANONYMOUS_LIMIT, Budgets, Quota
from localgithub.state import Account, State

CONTROL_PREFIX = "/_local"
PRIMARY_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits"
SECONDARY_DOCS = (
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
)
SERVER_ERRORS = {502: "Server Error", 503: "Service Unavailable"}


def bearer_token(authorization: str | None) -> str | None:
    """The token from `token X` or `Bearer X`; any other scheme is returned whole, so it fails lookup."""
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    return value.strip() if scheme.lower() in {"token", "bearer"} else authorization


def caller(world: State, request: Request) -> Account | None:
    token = bearer_token(request.headers.get("authorization"))
    with world.lock:
        return world.user_for_token(token) if token else None


def current_quota(request: Request) -> Quota:
    """The caller's budget as the gate left it; GET /rate_limit reports it."""
    quota: Quota = request.state.quota
    return quota


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def gate(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.url.path.startswith(CONTROL_PREFIX):
            return await call_next(request)
        world: State = request.app.state.world
        faults: Faults = request.app.state.faults
        budgets: Budgets = request.app.state.budgets
        draw = faults.draw()
        if draw.latency_seconds:
            await asyncio.sleep(draw.latency_seconds)
        user = caller(world, request)
        client = request.client.host if request.client else "unknown"
        key, limit = (
            (f"user:{user.id}", world.seed.core_rate_limit) if user else (f"ip:{client}", ANONYMOUS_LIMIT)
        )
        # Asking for the rate limit does not count against it, on GitHub too.
        quota = budgets.peek(key, limit) if request.url.path == "/rate_limit" else budgets.consume(key, limit)
        request_id = uuid.uuid4().hex[:20].upper()
        if quota is None or draw.kind is FaultKind.RATE_LIMIT:
            spent = Quota(limit, 0, budgets.peek(key, limit).reset)
            return _primary_rate_limit(spent, user, client, request_id)
        request.state.quota = quota
        if draw.kind is FaultKind.SECONDARY_RATE_LIMIT:
            message = (
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
                f"If you reach out to GitHub Support for help, please include the request ID {request_id}."
            )
            retry_after = {"Retry-After": str(faults.settings.retry_after_seconds)}
            return _error(403, message, SECONDARY_DOCS, quota, request_id, retry_after)
        if draw.kind is FaultKind.SERVER_ERROR:
            return _error(draw.status, SERVER_ERRORS[draw.status], "", quota, request_id)
        response = await call_next(request)
        response.headers.update(quota.headers() | {"X-GitHub-Request-Id": request_id})
        if user:
            response.headers["X-OAuth-Scopes"] = "repo, admin:org, read:user"
        return response


def _primary_rate_limit(quota: Quota, user: Account | None, client: str, request_id: str) -> Response:
    who = f"user ID {user.id}" if user else client
    extra = (
        ""
        if user
        else " (But here's the good news: Authenticated requests get a higher rate limit. "
        "Check out the documentation for more details.)"
    )
    message = (
        f"API rate limit exceeded for {who}.{extra} "
        f"If you reach out to GitHub Support for help, please include the request ID {request_id}."
    )
    return _error(403, message, PRIMARY_DOCS, quota, request_id)


def _error(
    status: int, message: str, docs: str, quota: Quota, request_id: str, headers: dict[str, str] | None = None
) -> Response:
    body: dict[str, Any] = {"message": message, "documentation_url": docs or "https://docs.github.com/rest"}
    body["status"] = str(status)
    all_headers = quota.headers() | {"X-GitHub-Request-Id": request_id} | (headers or {})
    return JSONResponse(body, status_code=status, headers=all_headers)
