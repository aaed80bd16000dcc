"""Metrics, traces and the Temporal runtime's own metrics, set up once per process.

- Our metrics: prometheus_client counters and histograms; the web app serves them at /metrics, a worker
  on `PERENNIAL_WORKER_METRICS_PORT`.
- Temporal's SDK metrics (task latencies, poll counts, cache sizes...): the Temporal runtime serves them in
  Prometheus format at `PERENNIAL_TEMPORAL_METRICS_ADDRESS`.
- Traces: OpenTelemetry, through Temporal's tracing interceptor, so one trace follows a request from the
  web app into the workflow and its activities. `PERENNIAL_TRACING=otlp` exports them to the collector
  named by the standard OTEL_EXPORTER_OTLP_* variables; `console` prints them.
"""

from __future__ import annotations

import time
from contextlib import nullcontext

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from prometheus_client import Counter, Histogram, start_http_server
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from api.settings import Settings

REQUESTS = Counter(
    "perennial_http_requests", "HTTP requests, by route template", ["method", "route", "status"]
)
LATENCY = Histogram(
    "perennial_http_request_duration_seconds",
    "HTTP request latency, by route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
# Where the member's own reads were answered: "cache" and "database" are the fast path
# (api/journey_reads.py); "orm" means that path failed; "workflow" means no published view yet.
MEMBER_READS = Counter(
    "perennial_member_reads", "Member and journey reads, by where they were answered", ["source"]
)
_runtime: Runtime | None = None


def configure_tracing(settings: Settings, service: str, exporter: SpanExporter | None = None) -> None:
    if settings.tracing == "off" and exporter is None:
        return
    provider = TracerProvider(resource=Resource.create({"service.name": f"perennial-{service}"}))
    chosen = exporter or (OTLPSpanExporter() if settings.tracing == "otlp" else ConsoleSpanExporter())
    provider.add_span_processor(BatchSpanProcessor(chosen))
    trace.set_tracer_provider(provider)


def serve_worker_metrics(settings: Settings) -> None:
    if settings.worker_metrics_address:
        host, _, port = settings.worker_metrics_address.rpartition(":")
        start_http_server(int(port), addr=host or "0.0.0.0")  # noqa: S104  (the operator chose it)


def temporal_runtime(settings: Settings) -> Runtime | None:
    """One runtime per process (the SDK's rule) serving Temporal's metrics, when an address is set."""
    global _runtime
    if settings.temporal_metrics_address and _runtime is None:
        prometheus = PrometheusConfig(bind_address=settings.temporal_metrics_address)
        _runtime = Runtime(telemetry=TelemetryConfig(metrics=prometheus))
    return _runtime


class RequestTelemetry:
    """Counts and times each request under its route template (`/members/{member_id}`, never the id),
    inside a span that the Temporal client interceptor continues into workflows."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.tracer = trace.get_tracer("perennial.web")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def remember_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        method = scope["method"]
        scope.setdefault("state", {})  # shared with the copies of `scope` made below us; see NoteRoute
        span_if_traced = (
            self.tracer.start_as_current_span(f"HTTP {method}", kind=trace.SpanKind.SERVER)
            if _tracing()
            else nullcontext()
        )
        with span_if_traced as span:
            try:
                await self.app(scope, receive, remember_status)
            finally:
                route = _route(scope)
                if span is not None:
                    span.update_name(f"{method} {route}")
                    span.set_attribute("http.route", route)
                    span.set_attribute("http.response.status_code", status)
                REQUESTS.labels(method, route, str(status)).inc()
                LATENCY.labels(method, route).observe(time.perf_counter() - started)


def _tracing() -> bool:
    """False until configure_tracing sets a provider: a span nobody records still costs 5 us to make."""
    return not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)


def _route(scope: Scope) -> str:
    return str(scope["state"].get(ROUTE_KEY, "unmatched"))


ROUTE_KEY = "route_template"


class NoteRoute:
    """Innermost: the router has set the matched route on this scope by the time the app returns, while the
    middlewares above see copies without it (asgi-csrf copies the scope); they share its `state`, so the
    template is left there for RequestTelemetry. A middleware, not an app-wide dependency: FastAPI's
    dependency solving cost more per request than everything else here."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            if "state" in scope:
                scope["state"][ROUTE_KEY] = getattr(scope.get("route"), "path", "unmatched")
