"""One access grant's process as data: what it was asked, who approved, and what may happen next."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

# What a recheck of a held grant concludes (activities/grants.py decides, the workflow acts).
KEEP, LOWER_TO_READ, REMOVE = "keep", "lower-to-read", "remove"
WARNINGS = {
    LOWER_TO_READ: "You have been away a while; this access goes down to read in {days} days "
    "unless you are back.",
    REMOVE: "Your trust level no longer covers this access; it will be removed in {days} days "
    "unless it recovers.",
}


class Phase(enum.StrEnum):
    AWAITING_APPROVAL = "awaiting-approval"
    APPLYING = "applying"
    INVITED = "invited"
    ACTIVE = "active"
    WARNED = "warned"
    ENDED = "ended"


@dataclass(frozen=True)
class GrantInput:
    member_id: int
    target_key: str  # a target of the access policy, e.g. "repo-website"
    permission: str
    requested_by_id: int
    run_number: int = 1


@dataclass(frozen=True)
class Approval:
    maintainer_id: int


@dataclass(frozen=True)
class Denial:
    maintainer_id: int
    reason: str


@dataclass(frozen=True)
class Withdrawal:
    """Revoke (by a maintainer or organizer), or lower to `permission` when it is set."""

    by_id: int
    reason: str
    permission: str | None = None


@dataclass(frozen=True)
class Renewal:
    by_id: int


@dataclass(frozen=True)
class TrustUpdate:
    """Something the grant depends on changed; it rechecks the record rather than trusting this."""

    level: int | None = None
    suspended: bool = False
    dormant: bool = False


@dataclass
class GrantProgress:
    phase: Phase = Phase.AWAITING_APPROVAL
    approvals_needed: int = 0
    approvals: list[int] = field(default_factory=list)
    denial: Denial | None = None
    withdrawal: Withdrawal | None = None
    renewals: int = 0
    trust: TrustUpdate | None = None
    invitation_accepted: bool = False
    warned_at: datetime | None = None


def approval_refusal(progress: GrantProgress, approval: Approval, member_id: int) -> str | None:
    if progress.phase is not Phase.AWAITING_APPROVAL:
        return f"This grant is not waiting for approval (it is {progress.phase.value})."
    if approval.maintainer_id == member_id:
        return "Nobody can approve their own access; ask another maintainer."
    if approval.maintainer_id in progress.approvals:
        return "You have already approved this grant; it needs another maintainer's approval."
    return None


def denial_refusal(progress: GrantProgress, denial: Denial) -> str | None:
    if progress.phase is not Phase.AWAITING_APPROVAL:
        return f"This grant is not waiting for approval (it is {progress.phase.value})."
    if len(denial.reason.strip()) < 5:
        return "Say why you deny it; the member sees the reason."
    return None


def withdrawal_refusal(progress: GrantProgress, withdrawal: Withdrawal, held: str) -> str | None:
    if progress.phase not in (Phase.ACTIVE, Phase.WARNED, Phase.INVITED):
        return f"There is no access to take back (the grant is {progress.phase.value})."
    if len(withdrawal.reason.strip()) < 5:
        return "Say why; the member and the record keep the reason."
    order = ["read", "triage", "write", "maintain", "admin"]
    if withdrawal.permission is not None and (
        withdrawal.permission not in order or order.index(withdrawal.permission) >= order.index(held)
    ):
        return f"Lowering needs a permission below '{held}'."
    return None
