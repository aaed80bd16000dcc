"""The AccessGrant's calls outside itself: its record and ledger, its notices, and GitHub. A base class
only to keep the workflow's file about the grant's stages; it is not a workflow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities import access_contracts as gh
    from activities.access_contracts import AccessNotice, GitHubAccess, GitHubState, GrantEvent, GrantOpened
    from domain.grants import GrantInput, GrantProgress, Phase

DATABASE_WRITE = timedelta(seconds=30)
# GitHub may be down or rate-limiting for a while; keep trying with backoff, up to a day.
GITHUB_CALL = timedelta(days=1)
GITHUB_RETRY = RetryPolicy(initial_interval=timedelta(seconds=2), maximum_interval=timedelta(minutes=2))
INVITATION_POLL = timedelta(hours=1)
# The GitHub activities heartbeat before each request (at most ~15 s each, plus brief retries).
GITHUB_HEARTBEAT = timedelta(seconds=45)


class GrantCalls:
    _inp: GrantInput
    _progress: GrantProgress
    _opened: GrantOpened | None
    _permission: str  # held now: the one asked for, or what a lowering left

    @property
    def _id(self) -> str:
        return workflow.info().workflow_id

    @property
    def _timing(self) -> gh.GrantTiming:
        if self._opened is None:
            raise ApplicationError("the grant has not opened yet", non_retryable=True)
        return self._opened.timing

    async def _activate(self, expires: datetime | None, reason: str) -> None:
        self._progress.phase, self._progress.warned_at = Phase.ACTIVE, None
        await self._record("active", reason, expires_at=expires)
        await self._notify("active")

    async def _finish(self, status: str, reason: str, actor: int | None = None) -> None:
        await self._record(status, reason, actor=actor)
        await self._notify(status)
        self._progress.phase = Phase.ENDED

    async def _record(
        self, status: str, reason: str, *, actor: int | None = None, expires_at: datetime | None = None
    ) -> None:
        key = f"{self._id}/{self._inp.run_number}/{status}/{workflow.uuid4()}"
        event = GrantEvent(
            self._id,
            self._inp.run_number,
            status,
            reason,
            workflow.now(),
            key,
            actor,
            expires_at,
            list(self._progress.approvals),
            self._permission,
        )
        await workflow.execute_activity(gh.record_grant, event, start_to_close_timeout=DATABASE_WRITE)

    async def _notify(self, kind: str) -> None:
        key = f"{self._id}/{self._inp.run_number}/notice/{kind}/{workflow.uuid4()}"
        await workflow.execute_activity(
            gh.send_access_notice,
            AccessNotice(self._id, self._inp.run_number, kind, workflow.now(), key),
            start_to_close_timeout=timedelta(minutes=1),
        )

    async def _github(self, call: Callable[[GitHubAccess], GitHubState], permission: str) -> GitHubState:
        opened = self._opened
        if opened is None:
            raise ApplicationError("the grant has not opened yet", non_retryable=True)
        return await workflow.execute_activity(
            call,
            GitHubAccess(opened.target_kind, opened.target, opened.login or "", permission),
            start_to_close_timeout=timedelta(minutes=2),
            schedule_to_close_timeout=GITHUB_CALL,
            heartbeat_timeout=GITHUB_HEARTBEAT,
            retry_policy=GITHUB_RETRY,
        )
