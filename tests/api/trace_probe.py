"""`python -m tests.api.trace_probe DATABASE_URL`: one signed-out request through the whole app with tracing
configured as `PERENNIAL_TRACING` configures it, printing the finished spans as JSON. Its own process,
because OpenTelemetry's tracer provider is set once per process and would trace every later test."""

from __future__ import annotations

import asyncio
import json
import sys

import httpx
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from api.app import create_app
from api.telemetry import configure_tracing
from tests.conftest import make_settings

PROBE = "/signin?email=linus%40example.org"


async def _request(app: object) -> None:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://perennial.test") as client:
        (await client.get(PROBE)).raise_for_status()


def main() -> None:
    settings = make_settings(sys.argv[1], 0)
    exporter = InMemorySpanExporter()
    configure_tracing(settings, "web", exporter)
    asyncio.run(_request(create_app(settings)))
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    provider.force_flush()
    spans = [
        {"name": s.name, "kind": s.kind.name, "attributes": dict(s.attributes or {})}
        for s in exporter.get_finished_spans()
    ]
    print(json.dumps(spans))


if __name__ == "__main__":
    main()
