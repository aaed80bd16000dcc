from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from api.app import create_app
from api.outbox import Outbox
from api.settings import Settings
from api.worker import build_worker
from domain import sign_in
from domain.roles import Role
from models import Member
from tests.conftest import each_database
from tests.factories import Db, csrf, eventually

BASE = "http://testserver"


@dataclass
class Site:
    """The real app on a real database, with a worker on the time-skipping Temporal server."""

    settings: Settings
    db: Db
    outbox: Outbox
    env: WorkflowEnvironment
    app: FastAPI
    worker: Worker

    def client(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app)
        return httpx.AsyncClient(transport=transport, base_url=BASE, follow_redirects=False)

    async def sign_in_as(self, client: httpx.AsyncClient, member: Member) -> None:
        """Sign in the way a person does: open the emailed link, confirm it."""
        nonce = self.db.get(Member, member.id).sign_in_nonce  # the current one: each sign-in uses one up
        token = sign_in.issue_token(self.settings.secret_key, sign_in.SignInClaim(member.id, nonce))
        page = await client.get("/signin/verify", params={"token": token})
        response = await client.post("/signin/verify", data={"token": token, "csrftoken": csrf(page)})
        assert response.status_code == 303, response.text

    async def member_with_journey(self, email: str, role: Role = Role.MEMBER, **kwargs: object) -> Member:
        async with self.client() as anonymous:
            response = await anonymous.post(
                "/api/members", json={"email": email, "display_name": email.split("@")[0], **kwargs}
            )
            assert response.status_code == 201, response.text
        member_id = response.json()["id"]
        await eventually(lambda: self.db.events(member_id, "mail.welcome_sent"))
        if role is not Role.MEMBER:
            with self.db.sessions.begin() as s:
                s.get(Member, member_id).role = role  # type: ignore[union-attr]
        return self.db.get(Member, member_id)


settings = pytest.fixture(each_database, name="settings")


@pytest.fixture
async def site(
    settings: Settings, db: Db, outbox: Outbox, time_skipping_env: WorkflowEnvironment
) -> AsyncIterator[Site]:
    app = create_app(settings, temporal=time_skipping_env.client)
    worker = build_worker(time_skipping_env.client, settings)
    async with worker, app.router.lifespan_context(app):
        site = Site(settings, db, outbox, time_skipping_env, app, worker)
        yield site
