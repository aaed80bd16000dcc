"""The web application: JSON API (OpenAPI at /docs) and server-rendered pages, behind sessions and CSRF."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.telemetry import TelemetryConfig
from pydantic import ValidationError
from starlette.middleware.sessions import SessionMiddleware
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from api import temporal as temporal_connection
from api.deps import BadToken, Forbidden, NotSignedIn, TokenNotAllowed
from api.forms import field_errors
from api.journey_reads import open_journey_reads
from api.pages import render
from api.routes import (
    access,
    auth,
    campaigns,
    dashboards,
    drift,
    hooks,
    integrations,
    journey,
    members,
    mentoring,
    meta,
    privacy,
    reviews,
    standing,
    tokens,
    transfer,
    trust,
    vouches,
    webhooks,
)
from api.security import (
    CsrfProtection,
    PublicRateLimits,
    SecurityHeaders,
    TooManyRequests,
    UploadsOnlyWhereExpected,
    security_headers,
)
from api.settings import Settings
from api.telemetry import NoteRoute, RequestTelemetry
from api.webhook_nudger import nudging
from domain.errors import Conflict, InvalidField, NotFound, PerennialError, Rejected
from models.base import async_session_factory, make_async_engine

log = logging.getLogger(__name__)
SESSION_LIFETIME_SECONDS = 14 * 24 * 3600
# Requests without cookies skip CSRF checks (nothing to forge); these paths create a session, so
# they are checked anyway, which stops a forged sign-in into someone else's account.
ALWAYS_PROTECT = {"/signin/verify", "/signout"}


def create_app(settings: Settings, temporal: Client | None = None) -> FastAPI:
    settings.policy  # noqa: B018  (refuse to start on an invalid policy file, naming the field)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_async_engine(settings.database_url)
        app.state.settings = settings
        app.state.sessions = async_session_factory(engine)
        app.state.journey_reads = await open_journey_reads(settings.database_url)
        app.state.temporal = temporal or await temporal_connection.connect(settings)
        # The imports leave 300,000 long-lived objects (scikit-learn, pandas, scipy); a full collection
        # walks them all, 190 ms here, and stalls every request in flight. They never die: set them aside.
        gc.collect()
        gc.freeze()
        async with nudging(app.state.temporal, settings):
            yield
        await app.state.journey_reads.close()
        await engine.dispose()

    # FastAPI's own telemetry would add a second server span to every traced request, carrying the query
    # string (emails, sign-in tokens); RequestTelemetry's span keeps to the route template and the status.
    native_telemetry_off: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}
    app = FastAPI(title="Perennial", version="0.1.0", lifespan=lifespan, telemetry=native_telemetry_off)
    app.state.rate_limits = PublicRateLimits(
        settings.public_read_limit, settings.public_write_limit, settings.rate_limit_storage
    )
    # Starlette matches routes in order: the member's own journey, the most requested, is tried first.
    routers = (
        journey,
        meta,
        auth,
        members,
        vouches,
        trust,
        standing,
        integrations,
        reviews,
        access,
        drift,
        mentoring,
        dashboards,
        campaigns,
        tokens,
        transfer,
        hooks,
        privacy,
        webhooks,
    )
    for router in (module.router for module in routers):
        app.include_router(router)
    _translate_errors(app)
    app.add_middleware(NoteRoute)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="perennial_session",
        max_age=SESSION_LIFETIME_SECONDS,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(
        CsrfProtection,
        signing_secret=settings.secret_key,
        secure=settings.secure_cookies,
        always_protect=ALWAYS_PROTECT,
    )
    app.add_middleware(UploadsOnlyWhereExpected)
    app.add_middleware(RequestTelemetry)
    app.add_middleware(SecurityHeaders, secure=security_headers(settings.secure_cookies))
    return app


STATUS_FOR: dict[type[PerennialError], int] = {
    NotFound: status.HTTP_404_NOT_FOUND,
    Conflict: status.HTTP_409_CONFLICT,
    Rejected: status.HTTP_409_CONFLICT,
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def _translate_errors(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _: Exception) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "Sign in first."}, status_code=status.HTTP_401_UNAUTHORIZED)
        return RedirectResponse("/signin", status_code=status.HTTP_303_SEE_OTHER)

    @app.exception_handler(Forbidden)
    @app.exception_handler(TokenNotAllowed)
    async def forbidden(request: Request, exc: Exception) -> Response:
        return _error(request, status.HTTP_403_FORBIDDEN, str(exc))

    @app.exception_handler(BadToken)
    async def bad_token(request: Request, exc: Exception) -> Response:
        headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_401_UNAUTHORIZED, headers=headers)

    @app.exception_handler(InvalidField)
    async def invalid_field(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, InvalidField)
        detail = [{"loc": ["body", exc.field], "msg": exc.message, "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(ValidationError)
    async def invalid_form(request: Request, exc: Exception) -> Response:
        """A form read into a pydantic model outside FastAPI's own body parsing."""
        assert isinstance(exc, ValidationError)
        messages = "; ".join(f"{name}: {message}" for name, message in field_errors(exc).items())
        return _error(request, status.HTTP_422_UNPROCESSABLE_CONTENT, f"Please correct the form. {messages}")

    @app.exception_handler(TooManyRequests)
    async def too_many(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, TooManyRequests)
        message = f"Too many requests; try again in {exc.retry_after} s."
        response = _error(request, status.HTTP_429_TOO_MANY_REQUESTS, message)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RPCError)
    async def temporal_unavailable(request: Request, exc: Exception) -> Response:
        """Temporal unreachable (a restart, a network cut): say so, and when to try again, not 500."""
        assert isinstance(exc, RPCError)
        if exc.status not in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
            log.error("Temporal refused a call: %s", exc.status)
            return _error(request, status.HTTP_500_INTERNAL_SERVER_ERROR, "Something went wrong on our side.")
        response = _error(
            request, status.HTTP_503_SERVICE_UNAVAILABLE, "Perennial cannot reach its workflows just now."
        )
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(PerennialError)
    async def perennial_error(request: Request, exc: Exception) -> Response:
        code = next((c for kind, c in STATUS_FOR.items() if isinstance(exc, kind)), 400)
        return _error(request, code, str(exc))


def _error(request: Request, code: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=code)
    return render(request, "error.html", {"code": code, "message": message}, status_code=code)
