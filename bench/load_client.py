"""The load generator for `make bench-load`, run as its own process so it never shares an interpreter
(or a GIL) with a server: closed-loop clients, each a browser with one keep-alive connection and its
own cookies, a warm-up, then a fixed window. Reads a JSON spec on stdin, writes JSON results on stdout.

The default engine speaks just enough HTTP/1.1 over asyncio streams for GETs with a Content-Length.
httpx (engine "httpx") spends about 0.8 ms of CPU per request here, three times what the bare server
spends: on two cores it, not the server, set the bare figure. It stays as a cross-check.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx


@dataclass(frozen=True)
class Spec:
    url: str  # "{member_id}" in it becomes the client's member
    clients: int = 100
    warm_up: float = 5.0
    duration: float = 20.0
    # Signed-in members, {"id": ..., "cookies": {...}}; client i is member i modulo their number.
    members: list[dict[str, Any]] = field(default_factory=list)
    # A page that is not what a signed-in member should see counts as an error, whatever its status.
    expect: str | None = None
    engine: str = "streams"


@dataclass
class Tally:
    measuring_from: float = float("inf")
    measuring_until: float = float("inf")
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    warm_up_requests: int = 0

    def record(self, started: float, finished: float, error: str | None) -> None:
        if started < self.measuring_from or finished > self.measuring_until:
            self.warm_up_requests += 1
        elif error is None:
            self.latencies.append(finished - started)
        else:
            self.errors[error] += 1


class _Connection:
    """One browser's keep-alive connection; it keeps the cookies the server sets, as a browser does."""

    def __init__(self, url: str, cookies: dict[str, str]) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.head = f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept: */*\r\n"
        self.cookies = dict(cookies)
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self) -> tuple[int, bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        writer.write(
            f"{self.head}Cookie: {cookie}\r\n\r\n".encode() if cookie else f"{self.head}\r\n".encode()
        )
        lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        length, close = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.lower()
            if name == "content-length":
                length = int(value)
            elif name == "set-cookie":
                key, _, rest = value.strip().partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        body = await reader.readexactly(length)
        if close:
            self.close()
        return int(lines[0].split(" ", 2)[1]), body

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def _browser(spec: Spec, number: int, tally: Tally, stop: asyncio.Event) -> None:
    member: dict[str, Any] = spec.members[number % len(spec.members)] if spec.members else {}
    url = spec.url.replace("{member_id}", str(member.get("id")))
    cookies: dict[str, str] = member.get("cookies", {})
    if spec.engine == "httpx":
        await _httpx_browser(spec, url, cookies, tally, stop)
        return
    connection = _Connection(url, cookies)
    expect = spec.expect.encode() if spec.expect is not None else None
    while not stop.is_set():
        started = time.perf_counter()
        error: str | None = None
        try:
            async with asyncio.timeout(30):
                status, body = await connection.get()
            if status != 200:
                error = f"HTTP {status}"
            elif expect is not None and expect not in body:
                error = "unexpected body"
        except (
            OSError,
            ValueError,
            TimeoutError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
        ) as exc:
            error = type(exc).__name__
            connection.close()
        tally.record(started, time.perf_counter(), error)
    connection.close()


async def _httpx_browser(
    spec: Spec, url: str, jar: dict[str, str], tally: Tally, stop: asyncio.Event
) -> None:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(cookies=jar, limits=limits, timeout=30.0) as client:
        while not stop.is_set():
            started = time.perf_counter()
            error: str | None = None
            try:
                response = await client.get(url)
                if response.status_code != 200:
                    error = f"HTTP {response.status_code}"
                elif spec.expect is not None and spec.expect not in response.text:
                    error = "unexpected body"
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            tally.record(started, time.perf_counter(), error)


def _percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run(spec: Spec) -> dict[str, Any]:
    tally, stop = Tally(), asyncio.Event()
    cpu_started = time.process_time()
    browsers = [asyncio.create_task(_browser(spec, i, tally, stop)) for i in range(spec.clients)]
    await asyncio.sleep(spec.warm_up)
    tally.measuring_from = time.perf_counter()
    print("window-start", flush=True)  # the caller samples the servers' CPU over the same window
    cpu_before = time.process_time()
    await asyncio.sleep(spec.duration)
    tally.measuring_until = time.perf_counter()
    print("window-end", flush=True)
    cpu_used = time.process_time() - cpu_before
    stop.set()
    await asyncio.gather(*browsers)
    window = tally.measuring_until - tally.measuring_from
    ordered = sorted(tally.latencies)
    return {
        "requests": len(ordered),
        "requests_per_second": round(len(ordered) / window, 1),
        "p50_ms": round(_percentile(ordered, 0.50) * 1000, 1),
        "p95_ms": round(_percentile(ordered, 0.95) * 1000, 1),
        "p99_ms": round(_percentile(ordered, 0.99) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
        "errors": sum(tally.errors.values()),
        "error_kinds": dict(tally.errors),
        "window_seconds": round(window, 2),
        "load_generator_cpu_share": round(cpu_used / window, 2),
        "load_generator_cpu_seconds_total": round(time.process_time() - cpu_started, 1),
    }


if __name__ == "__main__":
    result = asyncio.run(run(Spec(**json.load(sys.stdin))))
    print(json.dumps(result), flush=True)
