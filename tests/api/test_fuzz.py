"""Fuzz every JSON API operation from the app's own OpenAPI schema (schemathesis), as anonymous, as a plain
member and as an organizer: no 5xx, no input the API takes and a background activity then chokes on,
responses that match the schema, no internal error text, and nothing private of another member in what a
member or an anonymous caller gets back."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
import uvicorn
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, configuration
from hypothesis.errors import Unsatisfiable
from hypothesis.internal.conjecture import providers
from hypothesis.internal.constants_ast import Constants
from schemathesis import Case, GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.schemas import OpenApiSchema

from api.app import create_app
from tests.api.conftest import Site
from tests.api.fuzz_callers import Identity, callers, no_internal_errors, no_private_data
from tests.conftest import free_port, make_settings


@dataclass(frozen=True)
class Bug:
    """A bug in the app that fails operations here, and text its failures show (the exception's name)."""

    what: str
    shows_as: tuple[str, ...]


# Failures that show as one of these bugs, in one of its operations, are printed but pass; any other fails.
# Keep it empty: an entry is a known bug waiting for its fix, named here so the rest is still checked.
KNOWN_BUGS: dict[Bug, tuple[str, ...]] = {}

EXAMPLES = 6  # Hypothesis cases per operation and generation mode, on top of the coverage phase's
PINNED = 3  # valid cases per operation sent again with ids of B's records and of the caller's own
# An operation that refuses the caller (401/403) this often, and never answers 2xx, is left there.
REFUSED_PROBES = 8
# The caller erases their own account here: run it after everything else they call.
LAST = ("POST /api/me/erasure",)
CHECKS = {
    "not_a_server_error": True,
    "response_schema_conformance": True,
    "content_type_conformance": True,
    "response_headers_conformance": True,
    "unsupported_method": True,
    "missing_required_header": True,
    # FastAPI documents only the 2xx answer and 422; every 401, 403, 404 and 409 would be "undocumented".
    "status_code_conformance": False,
    # Rules the schema cannot express (IANA time zones, GitHub logins, ids that exist) answer schema-valid
    # data with 422 by design.
    "positive_data_acceptance": False,
    # Pydantic's lax mode takes 0/1 for booleans and numbers for datetimes, and the forms' "blank is none"
    # takes `?chapter_id=`: schema-invalid, deliberately accepted.
    "negative_data_rejection": False,
    # Starlette answers 405 with the methods of the first route on the path, not of all of them.
    "allow_header_conformance": False,
    # The schema declares no security scheme (a session cookie signs callers in), so these have nothing to
    # strip or follow; tests/api/test_access.py walks every route with every role instead.
    "ignored_auth": False,
    "use_after_free": False,
    "ensure_resource_availability": False,
    "object_level_authorization": False,
}


@dataclass(frozen=True)
class Finding:
    identity: str
    operation: str
    report: str  # schemathesis' report with the request that reproduces it, and what the app raised

    @property
    def known(self) -> bool:
        return any(
            self.operation in operations and any(text in self.report for text in bug.shows_as)
            for bug, operations in KNOWN_BUGS.items()
        )


@dataclass
class Cases:
    """Every case for every /api/ operation, made once for both databases: the coverage phase's (edges,
    wrong types, missing fields) and Hypothesis', positive and negative."""

    schema: OpenApiSchema
    by_operation: dict[str, list[Case[Any]]] = field(default_factory=dict)
    positive: dict[str, list[Case[Any]]] = field(default_factory=dict)  # the valid ones among them


class Logged(logging.Handler):
    """Exceptions the app logs: a 500's traceback (uvicorn logs it just after the response has gone), and
    an activity that failed on something the API let in."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.server: list[BaseException] = []
        self.background: dict[str, str] = {}  # repr of the exception: the activity (or logger) that raised it

    def emit(self, record: logging.LogRecord) -> None:
        if not record.exc_info or record.exc_info[1] is None:
            return
        if record.name.startswith("uvicorn"):
            self.server.append(record.exc_info[1])
        else:
            activity = getattr(record, "temporal_activity", {}).get("activity_type")
            self.background.setdefault(
                repr(record.exc_info[1]), f"activity {activity}" if activity else record.name
            )

    def raised_since(self, seen: int) -> str:
        deadline = time.monotonic() + 2
        while len(self.server) == seen and time.monotonic() < deadline:
            time.sleep(0.01)
        return "\n".join(f"The app raised {exc!r}" for exc in self.server[seen:])


@pytest.fixture(scope="session")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Cases:
    """Made before any server or worker runs: Python 3.11's `ast` is not thread-safe, and Hypothesis parses
    source to describe strategies while another thread may be formatting a traceback (SystemError)."""
    with pytest.MonkeyPatch.context() as patch:
        # Hypothesis mixes in constants from whichever project modules are imported at the time, so the cases
        # would change with the rest of the suite and with any edit; without them they follow the schema.
        patch.setattr(providers, "_get_local_constants", Constants)
        providers.CONSTANTS_CACHE.cache.clear()
        configuration.set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))  # its caches
        try:
            return _make_cases()
        finally:
            configuration.set_hypothesis_home_dir(None)
            providers.CONSTANTS_CACHE.cache.clear()


def _make_cases() -> Cases:
    app = create_app(make_settings("sqlite://", 0))
    checks = {name: {"enabled": on} for name, on in CHECKS.items()}
    # A slow answer under load is not a failure here (and the requests go one at a time).
    config = schemathesis.Config.from_dict({"checks": checks, "request-timeout": 60})
    schema = schemathesis.openapi.from_dict(app.openapi(), config=config).include(path_regex="^/api/")
    assert isinstance(schema, OpenApiSchema)
    made = Cases(schema)
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        generation = schema.config.generation_for(operation=operation)
        found = list(
            schema.iter_coverage_cases(operation, generation_modes=modes, generation_config=generation)
        )
        for mode in modes:
            found += _draw(operation.as_strategy(generation_mode=mode))
        made.by_operation[operation.label] = found
        made.positive[operation.label] = [
            c for c in found if c.meta is not None and c.meta.generation.mode is GenerationMode.POSITIVE
        ]
    made.by_operation = dict(sorted(made.by_operation.items(), key=lambda item: item[0] in LAST))
    return made


def _draw(strategy: Any) -> list[Case[Any]]:
    drawn: list[Case[Any]] = []

    @hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(strategy)
    def draw(case: Case[Any]) -> None:
        drawn.append(case)

    with suppress(Unsatisfiable):  # an operation without parameters has no negative case
        draw()
    return drawn


async def test_fuzzed_json_api_answers_without_errors_or_leaks(site: Site, cases: Cases) -> None:
    assert site.app.openapi() == cases.schema.raw_schema, "the cases were made from another app's schema"
    identities = await callers(site)
    logged = Logged()
    with _listening(logged):
        async with _serving(site.app) as base_url:
            findings = await asyncio.to_thread(_send, cases, identities, base_url, logged)
    findings += [Finding("worker", where, f"failed: {exc}") for exc, where in logged.background.items()]

    for finding in findings:
        print(f"\n{'known bug' if finding.known else 'FAILED'}: {finding.identity} {finding.operation}")
        print(finding.report)
    failed = "\n".join(sorted({f"{f.identity}: {f.operation}" for f in findings if not f.known}))
    assert not failed, f"fuzzing failed (each failure is printed above, with its request):\n{failed}"


def _send(cases: Cases, identities: list[Identity], base_url: str, logged: Logged) -> list[Finding]:
    findings: list[Finding] = []
    fuzzed: set[str] = set()  # operations a caller sent every case to, and was never refused
    for identity in identities:
        checks = [no_internal_errors, no_private_data(identity.private)]
        for label, every in cases.by_operation.items():
            if label in LAST and identity.cookies:
                _assert_still_signed_in(base_url, identity)
            # What a request may hold does not depend on who sends it, what it reaches does: once a caller
            # sent every case and was never refused, the next ones send the valid cases only.
            positive = cases.positive[label]
            refused, let_in = 0, False
            for case in [*_pinned(positive[:PINNED], identity), *(positive if label in fuzzed else every)]:
                seen = len(logged.server)
                try:
                    response = case.call_and_validate(
                        base_url=base_url,
                        headers=identity.headers,
                        cookies=identity.cookies,
                        additional_checks=checks,
                    )
                except (Exception, FailureGroup) as exc:
                    findings.append(Finding(identity.name, label, f"{exc}\n{logged.raised_since(seen)}"))
                    continue
                refused += response.status_code in (401, 403)
                let_in = let_in or 200 <= response.status_code < 300
                if refused >= REFUSED_PROBES and not let_in:
                    break  # the door is shut; tests/api/test_access.py walks who may open it
            else:  # every case went out
                if not refused:
                    fuzzed.add(label)
    return findings


def _pinned(positive: list[Case[Any]], identity: Identity) -> Iterator[Case[Any]]:
    """Valid cases aimed at records a leak would show: B's, and the caller's own."""
    for case in positive:
        for name, ids in identity.pinned.items():
            if name in case.path_parameters:
                for ident in ids:
                    pinned = case.derive()
                    pinned.path_parameters[name] = ident
                    yield pinned


def _assert_still_signed_in(base_url: str, identity: Identity) -> None:
    """A case that ended the caller's session early would leave the rest fuzzed as a stranger."""
    response = requests.get(f"{base_url}/api/me/trust", cookies=identity.cookies, timeout=10)
    assert response.status_code == 200, f"{identity.name} was signed out by a fuzzed request: {response.text}"


@asynccontextmanager
async def _serving(app: FastAPI) -> AsyncIterator[str]:
    """The app (its lifespan entered by the `site` fixture) on a socket, in this event loop, so the
    fuzzer's blocking client runs in a thread while the app, its database and the worker run here."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=free_port(), lifespan="off", log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn did not start"
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        await task


@contextmanager
def _listening(handler: logging.Handler) -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in ("uvicorn.error", "temporalio")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
