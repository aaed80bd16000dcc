"""`python -m bench.load_inprocess`: where a member-status request and a journey page spend their CPU, with
no server and no network in the way: one request at a time through the ASGI app, timed by
`time.thread_time`, the best of several runs. `make bench-load` says how fast; this says where the time
goes (bench/README.md, "Where the rest goes").

Members are made as `make bench-load` makes them (sign-up, the welcome email's link, a step or two), by
a worker and the web app in this process against the Temporal dev server and a scratch SQLite file.
Rows: bare FastAPI's endpoint (`bench/load_bare.py`); a constant endpoint behind our middleware, then
with each middleware left out in turn; the member status; the journey page.
"""

from __future__ import annotations

import asyncio
import gc
import tempfile
import time
import uuid
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request, Response
from starlette.types import ASGIApp, Message, Scope
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.outbox import Outbox, start_sink
from api.settings import Settings
from api.temporal import data_converter
from api.worker import build_worker
from bench import journey as processes
from bench import load_bare
from bench.cluster_processes import wait_until_serving
from bench.load_seed import seed
from models.migrate import upgrade

MEMBERS, REQUESTS, RUNS = 12, 3000, 5
POLICY = Path(__file__).resolve().parents[1] / "community.example.toml"  # as `make bench-load` runs


def main() -> None:
    asyncio.run(_main())


async def _main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="perennial-inprocess-"))
    database_url = f"sqlite:///{workdir / 'perennial.db'}"
    upgrade(database_url)
    outbox = Outbox(workdir / "outbox")
    smtp_port, web_port = processes._free_port(), processes._free_port()
    sink = start_sink(outbox, port=smtp_port)
    settings = Settings(
        _env_file=None,
        DATABASE_URL=database_url,
        policy_path=POLICY,
        base_url=f"http://127.0.0.1:{web_port}",
        smtp_port=smtp_port,
        temporal_task_queue=f"inprocess-{uuid.uuid4()}",
        public_write_limit="1000000/minute",
        public_read_limit="1000000/minute",
    )
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=processes._binary("temporal"),
        dev_server_log_level="error",
        data_converter=data_converter(settings),
    )
    app = create_app(settings, temporal=env.client)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=web_port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    try:
        async with build_worker(env.client, settings):
            await wait_until_serving(f"{settings.base_url}/healthz", 60)
            members = await seed(settings.base_url, outbox, MEMBERS, MEMBERS)
        # Measured with the worker stopped and the server idle: only the requests run on this thread.
        gc.collect()
        gc.freeze()
        await _report(app, [m["cookies"] for m in members])
    finally:
        server.should_exit = True
        await serving
        await env.shutdown()
        sink.stop()


async def _report(app: FastAPI, cookies: list[dict[str, str]]) -> None:
    print(f"{'request':48} CPU us (best of {RUNS} x {REQUESTS})")
    print(f"{'bare FastAPI /status':48} {await _best(load_bare.app, '/status', [{}]):6.0f}")
    middleware = [m.cls.__name__ for m in app.user_middleware]  # type: ignore[attr-defined]
    for left_out in (None, *middleware):
        variant = _constant_endpoint_app(app, left_out)
        label = "constant endpoint, all middleware" if left_out is None else f"  without {left_out}"
        print(f"{label:48} {await _best(variant, '/constant', cookies):6.0f}")
    print(f"{'member status GET /api/me/journey':48} {await _best(app, '/api/me/journey', cookies):6.0f}")
    print(f"{'journey page GET /journey':48} {await _best(app, '/journey', cookies):6.0f}")


def _constant_endpoint_app(app: FastAPI, left_out: str | None) -> FastAPI:
    """The same app and state, with one route first that does nothing: what the middleware costs."""
    variant = create_app(app.state.settings, temporal=app.state.temporal)
    variant.state._state.update(app.state._state)

    async def constant(request: Request) -> Response:
        return Response(b"{}", media_type="application/json")

    variant.router.add_api_route("/constant", constant)
    variant.router.routes.insert(0, variant.router.routes.pop())
    variant.user_middleware = [m for m in variant.user_middleware if m.cls.__name__ != left_out]  # type: ignore[attr-defined]
    return variant


async def _best(app: ASGIApp, path: str, cookies: list[dict[str, str]]) -> float:
    scopes = [_scope(path, c) for c in cookies]
    answers = [await _call(app, scope) for scope in scopes]
    if any(a != 200 for a in answers):
        raise RuntimeError(f"{path} answered {answers}")
    timings = []
    for _ in range(RUNS):
        started = time.thread_time()
        for n in range(REQUESTS):
            await _call(app, scopes[n % len(scopes)])
        timings.append((time.thread_time() - started) / REQUESTS * 1e6)
    return min(timings)


def _scope(path: str, cookies: dict[str, str]) -> Scope:
    headers = [(b"host", b"127.0.0.1"), (b"accept", b"*/*")]
    if cookies:
        headers.append((b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _call(app: ASGIApp, scope: Scope) -> int:
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(dict(scope), receive, send)
    return status


if __name__ == "__main__":
    main()
