"""While workers are down, requests waiting on workflows must not starve the rest of the web app."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
import psutil
import pytest
from fastapi import FastAPI
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.settings import Settings
from api.temporal import data_converter
from domain import journey, sign_in
from domain.journey import JourneyState
from models import JourneyViewRecord, Member
from models.journey_view import VIEW_JSON
from tests.api.conftest import BASE
from tests.conftest import binary
from tests.factories import Db, csrf


async def test_updates_waiting_on_absent_workers_hold_no_database_connection(
    settings: Settings, db: Db, time_skipping_env: WorkflowEnvironment
) -> None:
    app = create_app(settings, temporal=time_skipping_env.client)  # and no worker polls its task queue
    members = [db.member(f"m{n}@example.org") for n in range(20)]
    async with app.router.lifespan_context(app):
        clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) for _ in members]
        for client, member in zip(clients, members, strict=True):
            token = sign_in.issue_token(settings.secret_key, sign_in.SignInClaim(member.id, 0))
            page = await client.get("/signin/verify", params={"token": token})
            signed_in = await client.post("/signin/verify", data={"token": token, "csrftoken": csrf(page)})
            assert signed_in.status_code == 303
        # More waiting updates than the pool has connections (5 + 10 overflow).
        waiting = [
            asyncio.create_task(
                client.post(
                    "/api/me/journey/steps/code_of_conduct",
                    json={},
                    headers={"x-csrftoken": client.cookies["csrftoken"]},
                )
            )
            for client in clients
        ]
        await asyncio.sleep(1)
        assert not any(task.done() for task in waiting), "they wait for a worker"
        started = time.monotonic()
        answer = await clients[0].get(f"/api/members/{members[0].id}")
        assert answer.status_code == 200 and time.monotonic() - started < 5
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        for client in clients:
            await client.aclose()


@asynccontextmanager
async def _signed_in(app: FastAPI, settings: Settings, member: Member) -> AsyncIterator[httpx.AsyncClient]:
    """A client signed in the way a person does, by the emailed link."""
    token = sign_in.issue_token(settings.secret_key, sign_in.SignInClaim(member.id, 0))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        page = await client.get("/signin/verify", params={"token": token})
        await client.post("/signin/verify", data={"token": token, "csrftoken": csrf(page)})
        yield client


def _listening_pid(env: WorkflowEnvironment) -> int:
    port = int(env.client.service_client.config.target_host.rsplit(":", 1)[1])
    return next(
        int(c.pid) for c in psutil.net_connections("tcp") if c.laddr.port == port and c.status == "LISTEN"
    )


@pytest.fixture
async def dev_server(settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    """A real Temporal server for the app to connect to, which the test then stops."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        data_converter=data_converter(settings),
        dev_server_log_level="error",
    )
    yield env
    await env.shutdown()


async def test_while_temporal_is_down_callers_get_503_and_nothing_is_half_written(
    settings: Settings, db: Db, dev_server: WorkflowEnvironment
) -> None:
    env = dev_server
    app = create_app(settings, temporal=env.client)
    member = db.member("lin@example.org")
    token = sign_in.issue_token(settings.secret_key, sign_in.SignInClaim(member.id, 0))
    async with app.router.lifespan_context(app):
        await env.shutdown()  # the connection was made; now the server is gone
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
            page = await client.get("/signin/verify", params={"token": token})
            verify = await client.post("/signin/verify", data={"token": token, "csrftoken": csrf(page)})
            signup = await client.post(
                "/api/members",
                json={"email": "ada@example.org", "display_name": "Ada"},
                headers={"x-csrftoken": client.cookies["csrftoken"]},
            )
            ready = await client.get("/readyz")
    assert signup.status_code == 503 and signup.headers["retry-after"] == "5"
    assert "cannot reach" in signup.json()["detail"]
    assert db.count(Member) == 1, "Ada is not left without a journey"
    assert verify.status_code == 503, verify.text
    assert db.get(Member, member.id).sign_in_nonce == 0, "the link still works"
    assert ready.status_code == 503 and "temporal" in ready.text


async def test_while_temporal_is_down_a_member_still_reads_their_published_journey(
    settings: Settings, db: Db, dev_server: WorkflowEnvironment
) -> None:
    env = dev_server
    app = create_app(settings, temporal=env.client)
    member = db.member("ines@example.org")
    now = datetime.now(UTC)
    view = journey.view(JourneyState(member.id, settings.policy.playbook, now, now))
    with db.sessions.begin() as session:  # as the journey published it before the outage
        session.add(
            JourneyViewRecord(member_id=member.id, body=VIEW_JSON.dump_json(view).decode(), published_at=now)
        )
    async with app.router.lifespan_context(app), _signed_in(app, settings, member) as client:
        await env.shutdown()
        status = await client.get("/api/me/journey")
        checklist = await client.get("/journey")
    assert status.status_code == 200 and status.json()["next_step_id"] == "code_of_conduct"
    assert checklist.status_code == 200 and 'id="step-code_of_conduct" aria-current="step"' in checklist.text


async def test_an_update_in_flight_when_temporal_dies_answers_503_not_500(
    settings: Settings, db: Db, dev_server: WorkflowEnvironment
) -> None:
    """The step may or may not have been recorded: the caller is told to try again, which is safe."""
    app = create_app(settings, temporal=dev_server.client)  # and no worker: the update waits
    member = db.member("mid@example.org")
    async with app.router.lifespan_context(app), _signed_in(app, settings, member) as client:
        step = asyncio.create_task(
            client.post(
                "/api/me/journey/steps/code_of_conduct",
                json={},
                headers={"x-csrftoken": client.cookies["csrftoken"]},
            )
        )
        await asyncio.sleep(1)
        os.kill(_listening_pid(dev_server), signal.SIGKILL)  # no goodbye: the call's connection just breaks
        answer = await step
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"] == "5"
