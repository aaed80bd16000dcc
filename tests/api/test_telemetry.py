"""Metrics by route template, one trace from a web request into the workflow and its activities,
Temporal's own metrics, and logs with no personal data or credentials."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import httpx
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import Client
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from api.logs import DropQueryStrings, structured_formatter
from tests.api.conftest import Site
from tests.conftest import REPO, free_port
from workflows.reengagement import ReengagementCampaign


async def test_metrics_count_requests_by_route_template_and_what_workers_did(site: Site) -> None:
    member = await site.member_with_journey("ada@example.org")
    async with site.client() as client:
        await client.get("/signin")
        await site.sign_in_as(client, member)
        assert (await client.get(f"/api/members/{member.id}")).status_code == 200
        scraped = await client.get("/metrics")
    assert scraped.status_code == 200
    text = scraped.text
    assert 'perennial_http_requests_total{method="GET",route="/api/members/{member_id}",status="200"}' in text
    assert f"/api/members/{member.id}" not in text, "ids never become labels"
    assert 'perennial_emails_sent_total{template="welcome"}' in text
    assert "ada@example.org" not in text


async def test_a_scraper_needs_the_token_when_one_is_set(site: Site) -> None:
    site.settings.metrics_token = "scrape-me-" + "x" * 20
    async with site.client() as client:
        assert (await client.get("/metrics")).status_code == 401
        answer = await client.get(
            "/metrics", headers={"Authorization": f"Bearer {site.settings.metrics_token}"}
        )
        assert answer.status_code == 200


async def test_one_trace_follows_a_workflow_start_into_the_worker(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    config = time_skipping_env.client.config()
    config["interceptors"] = [TracingInterceptor(tracer)]
    client = Client(**config)
    async with Worker(client, task_queue="traced", workflows=[ReengagementCampaign], activities=[]):
        with tracer.start_as_current_span("HTTP POST /api/campaigns"):
            handle = await client.start_workflow(
                ReengagementCampaign.run, args=[], id="traced-campaign", task_queue="traced"
            )
        await handle.terminate()
    spans = exporter.get_finished_spans()
    names = {s.name for s in spans}
    assert "StartWorkflow:ReengagementCampaign" in names
    assert {s.context.trace_id for s in spans} == {spans[0].context.trace_id}, "one trace"


def test_a_traced_request_makes_one_server_span_with_no_query_string(tmp_path: Path) -> None:
    """FastAPI's own telemetry, on by default since 0.16x, made a second server span holding the query
    string: an email address here, a sign-in token on /signin/verify."""
    probe = [sys.executable, "-m", "tests.api.trace_probe", f"sqlite:///{tmp_path / 'probe.db'}"]
    spans = json.loads(subprocess.run(probe, cwd=REPO, check=True, capture_output=True, text=True).stdout)
    assert [(s["name"], s["kind"]) for s in spans] == [("GET /signin", "SERVER")]
    assert spans[0]["attributes"] == {"http.route": "/signin", "http.response.status_code": 200}
    assert "linus" not in json.dumps(spans)


async def test_temporal_runtime_metrics_are_served_for_prometheus(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    address = f"127.0.0.1:{free_port()}"
    runtime = Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=address)))
    config = time_skipping_env.client.config()
    target = time_skipping_env.client.service_client.config.target_host
    client = await Client.connect(target, namespace=config["namespace"], runtime=runtime)
    worker = Worker(client, task_queue="measured", workflows=[ReengagementCampaign], activities=[])
    body = ""
    async with worker, httpx.AsyncClient() as http:
        for _ in range(50):  # the worker's first polls are what it reports
            body = (await http.get(f"http://{address}/metrics")).text
            if "temporal_" in body:
                break
            await asyncio.sleep(0.2)
    assert "temporal_" in body


def test_logs_are_structured_and_carry_no_email_token_or_client_address() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(structured_formatter("json"))
    log = logging.getLogger("perennial.test.logs")
    log.addHandler(handler)
    try:
        log.warning(
            "welcome mail to %s failed; token %s",
            "ada@example.org",
            "pnl_AbCdEfGhIjKlMnOp",
            extra={"github_token": "ghp_secretsecret", "member_id": 7},
        )
        access = logging.LogRecord(
            "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
            ("203.0.113.9:5555", "GET", "/signin/verify?token=abc", "1.1", 200), None,
        )  # fmt: skip
        DropQueryStrings().filter(access)
        handler.handle(access)
    finally:
        log.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["member_id"] == 7 and first["level"] == "warning"
    assert "ada@example.org" not in first["event"] and "[email]" in first["event"]
    assert "AbCdEfGh" not in first["event"] and first["github_token"] == "[redacted]"
    assert "203.0.113.9" not in second["event"] and "token=abc" not in second["event"]
