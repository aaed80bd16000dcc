"""AccessGrant: one durable process per (member, target): policy check, maintainer approval, apply on
GitHub, wait for the invitation, verify, hold until expiry; lowered or revoked through the same process."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities import access_contracts as gh
    from activities.access_contracts import (
        GrantOpened,
        OpenGrant,
        RecheckGrant,
    )
    from domain import grants
    from domain.grants import (
        Approval,
        Denial,
        GrantInput,
        GrantProgress,
        Phase,
        Renewal,
        TrustUpdate,
        Withdrawal,
    )

from workflows.grant_calls import DATABASE_WRITE, GrantCalls
from workflows.waiting import refuse_update, reject_update, until

INVITATION_POLL = timedelta(hours=1)
# A suspension removes access at once, and a maintainer's revocation during a warning is acted on at once;
# before this marker both waited for the warning's grace period to end.
ACT_AT_ONCE = "suspension-and-revocation-during-a-warning-act-at-once"


@workflow.defn
class AccessGrant(GrantCalls):
    @workflow.init
    def __init__(self, inp: GrantInput) -> None:
        self._inp = inp
        self._progress = GrantProgress()
        self._permission = inp.permission
        self._opened: GrantOpened | None = None

    @workflow.run
    async def run(self, inp: GrantInput) -> str:
        request = OpenGrant(
            self._id,
            inp.run_number,
            inp.member_id,
            inp.target_key,
            inp.permission,
            inp.requested_by_id,
            workflow.now(),
        )
        opened = self._opened = await workflow.execute_activity(
            gh.open_grant, request, start_to_close_timeout=DATABASE_WRITE
        )
        if not opened.allowed:
            self._progress.phase = Phase.ENDED
            return "refused"
        self._progress.approvals_needed = opened.approvals_needed
        if opened.approvals_needed and (outcome := await self._approved()) != "approved":
            return outcome
        self._progress.phase = Phase.APPLYING
        state = await self._github(gh.apply_github_access, self._permission)
        if state.state == "invited" and not await self._invitation_accepted():
            await self._github(gh.remove_github_access, self._permission)
            await self._finish(
                "lapsed", "The GitHub invitation was not accepted in time; ask again any time."
            )
            return "lapsed"
        verified = await self._github(gh.read_github_access, self._permission)
        if verified.state != "active" or verified.permission != self._permission:
            raise ApplicationError(
                f"GitHub shows {verified.permission or 'nothing'} after applying {self._permission}",
                type="NotVerified",
            )
        return await self._hold()

    @workflow.update
    async def approve(self, approval: Approval) -> str:
        await workflow.wait_condition(lambda: self._opened is not None)
        refuse_update(grants.approval_refusal(self._progress, approval, self._inp.member_id))
        self._progress.approvals.append(approval.maintainer_id)
        await self._record(
            "awaiting-approval",
            f"Approved by {len(self._progress.approvals)} maintainer(s).",
            actor=approval.maintainer_id,
        )
        return "approved" if self._enough_approvals() else "needs another approval"

    @approve.validator
    def _validate_approve(self, approval: Approval) -> None:
        reject_update(grants.approval_refusal(self._progress, approval, self._inp.member_id))

    @workflow.update
    async def deny(self, denial: Denial) -> str:
        refuse_update(grants.denial_refusal(self._progress, denial))
        self._progress.denial = denial
        await workflow.wait_condition(lambda: self._progress.phase is Phase.ENDED)
        return "denied"

    @deny.validator
    def _validate_deny(self, denial: Denial) -> None:
        reject_update(grants.denial_refusal(self._progress, denial))

    @workflow.update
    async def withdraw(self, withdrawal: Withdrawal) -> str:
        refuse_update(grants.withdrawal_refusal(self._progress, withdrawal, self._permission))
        self._progress.withdrawal = withdrawal
        await workflow.wait_condition(
            lambda: self._progress.withdrawal is None or self._progress.phase is Phase.ENDED
        )
        return self._permission if self._progress.phase is not Phase.ENDED else "revoked"

    @withdraw.validator
    def _validate_withdraw(self, withdrawal: Withdrawal) -> None:
        reject_update(grants.withdrawal_refusal(self._progress, withdrawal, self._permission))

    @workflow.update
    def renew(self, renewal: Renewal) -> int:
        if self._progress.phase not in (Phase.ACTIVE, Phase.WARNED):
            raise ApplicationError(
                "Only an active grant can be renewed.", type="Rejected", non_retryable=True
            )
        self._progress.renewals += 1
        return self._progress.renewals

    @workflow.signal
    def trust_changed(self, update: TrustUpdate) -> None:
        self._progress.trust = update

    @workflow.signal
    def invitation_accepted(self) -> None:
        self._progress.invitation_accepted = True

    @workflow.query
    def progress(self) -> GrantProgress:
        return self._progress

    async def _approved(self) -> str:
        timing = self._timing
        started = workflow.now()
        for notice, days in (
            ("approval_reminder", timing.reminder_days),
            ("approval_escalation", timing.escalation_days),
            (None, timing.approval_expiry_days),
        ):
            if await until(started + timedelta(days=days), self._approval_settled):
                break
            if notice is not None:
                await self._notify(notice)
        if (denial := self._progress.denial) is not None:
            await self._finish("denied", f"Denied: {denial.reason}", actor=denial.maintainer_id)
            return "denied"
        if not self._enough_approvals():
            await self._finish("unapproved", "No maintainer approved within the time allowed.")
            return "unapproved"
        return "approved"

    async def _invitation_accepted(self) -> bool:
        await self._record("invited", "GitHub sent an invitation; accept it to start.")
        self._progress.phase = Phase.INVITED
        deadline = workflow.now() + timedelta(days=self._timing.invitation_wait_days)
        while workflow.now() < deadline:
            if await until(
                min(deadline, workflow.now() + INVITATION_POLL), lambda: self._progress.invitation_accepted
            ):
                return True
            if (await self._github(gh.read_github_access, self._permission)).state == "active":
                return True
        return False

    async def _hold(self) -> str:
        timing, p = self._timing, self._progress
        expires = workflow.now() + timedelta(days=timing.grant_days)
        await self._activate(expires, "Access is active.")
        renewals, told_of_expiry = p.renewals, False
        while True:
            notice_at = expires - timedelta(days=timing.renewal_notice_days)
            wake_at = expires if told_of_expiry or workflow.now() >= notice_at else notice_at
            woke = await until(
                wake_at,
                lambda seen=renewals: p.withdrawal is not None or p.trust is not None or p.renewals != seen,  # type: ignore[misc]
            )
            if p.renewals != renewals:
                renewals, told_of_expiry = p.renewals, False
                expires = workflow.now() + timedelta(days=timing.grant_days)
                await self._activate(expires, "Renewed.")
            elif p.withdrawal is not None:
                if await self._withdraw(p.withdrawal):
                    return "revoked"
            elif p.trust is not None:
                if await self._trust_fell():
                    return "revoked"
            elif not woke and workflow.now() >= expires:
                await self._github(gh.remove_github_access, self._permission)
                await self._finish("lapsed", "The grant's term ended without renewal.")
                return "lapsed"
            else:
                await self._notify("expiring")
                told_of_expiry = True

    async def _withdraw(self, withdrawal: Withdrawal) -> bool:
        if withdrawal.permission is None:
            await self._github(gh.remove_github_access, self._permission)
            await self._finish("revoked", f"Revoked: {withdrawal.reason}", actor=withdrawal.by_id or None)
            self._progress.withdrawal = None
            return True
        self._permission = withdrawal.permission
        await self._github(gh.apply_github_access, self._permission)
        await self._record(
            "active", f"Lowered to {self._permission}: {withdrawal.reason}", actor=withdrawal.by_id or None
        )
        await self._notify("lowered")
        self._progress.withdrawal = None
        return False

    async def _trust_fell(self) -> bool:
        """Trust or dormancy changed: keep, or warn first and act after the grace period. A suspension
        takes the access away at once: a suspended member holds nothing."""
        update, self._progress.trust = self._progress.trust, None
        at_once = workflow.patched(ACT_AT_ONCE)
        if at_once and update is not None and update.suspended:
            return await self._withdraw(Withdrawal(0, "the member was suspended"))
        check = RecheckGrant(self._inp.member_id, self._inp.target_key, self._permission)
        verdict = await workflow.execute_activity(
            gh.recheck_grant, check, start_to_close_timeout=DATABASE_WRITE
        )
        if verdict == grants.KEEP:
            if self._progress.phase is Phase.WARNED:
                await self._activate(None, "Trust recovered; access stays.")
            return False
        if self._progress.phase is not Phase.WARNED:
            self._progress.phase, self._progress.warned_at = Phase.WARNED, workflow.now()
            days = self._timing.downgrade_grace_days
            await self._record("warned", grants.WARNINGS[verdict].format(days=days))
            await self._notify("warned")
        grace_ends = (self._progress.warned_at or workflow.now()) + timedelta(
            days=self._timing.downgrade_grace_days
        )
        p = self._progress
        while await until(grace_ends, lambda: p.trust is not None or (at_once and p.withdrawal is not None)):
            if p.trust is not None:
                return await self._trust_fell()
            withdrawal = p.withdrawal  # a maintainer's, during the warning: acted on now, not at its end
            if withdrawal is not None and await self._withdraw(withdrawal):
                return True
        if verdict == grants.LOWER_TO_READ:
            await self._withdraw(
                Withdrawal(0, "no activity for a long while; lowered after the warning", "read")
            )
            self._progress.phase = Phase.ACTIVE
            return False
        return await self._withdraw(Withdrawal(0, "trust fell below this rung after the warning period"))

    def _approval_settled(self) -> bool:
        return self._progress.denial is not None or self._enough_approvals()

    def _enough_approvals(self) -> bool:
        return len(self._progress.approvals) >= self._progress.approvals_needed
