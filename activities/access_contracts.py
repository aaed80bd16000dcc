"""What the AccessGrant workflow may ask of activities: GitHub access and the grant record.

Inputs carry ids and GitHub logins (public handles), never email addresses. Implementations:
`activities/github.py` (GitHubActivities) and `activities/grants.py` (GrantStore).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from temporalio import activity


@dataclass(frozen=True)
class GitHubAccess:
    """One permission for one login on one target of the configured organization."""

    target_kind: str  # "repo" | "team" | "sandbox"
    target: str  # repository name (in the org) or team slug; for a sandbox, the repository to create
    login: str
    permission: str  # "read" | "triage" | "write" | "maintain" | "admin"


@dataclass(frozen=True)
class GitHubState:
    state: str  # "none" | "invited" | "active"
    permission: str | None = None  # held, or offered by the pending invitation


@dataclass(frozen=True)
class Holder:
    login: str
    permission: str
    state: str  # "invited" | "active"


@dataclass(frozen=True)
class TargetRef:
    target_kind: str
    target: str


@activity.defn(name="apply_github_access")
def apply_github_access(req: GitHubAccess) -> GitHubState:
    """GitHubActivities.apply_github_access: grant or change; applying twice changes nothing."""
    raise NotImplementedError


@activity.defn(name="read_github_access")
def read_github_access(req: GitHubAccess) -> GitHubState:
    """GitHubActivities.read_github_access: what GitHub holds now for this login and target."""
    raise NotImplementedError


@activity.defn(name="remove_github_access")
def remove_github_access(req: GitHubAccess) -> GitHubState:
    """GitHubActivities.remove_github_access: remove access and any pending invitation; idempotent."""
    raise NotImplementedError


@activity.defn(name="list_github_holders")
def list_github_holders(req: TargetRef) -> list[Holder]:
    """GitHubActivities.list_github_holders: everyone holding or invited to the target (for reconciling)."""
    raise NotImplementedError


@dataclass(frozen=True)
class GrantEvent:
    """A change to a grant's record; `key` makes a retried write a no-op."""

    workflow_id: str
    run_number: int
    status: str
    reason: str
    at: datetime
    key: str
    actor_id: int | None = None
    expires_at: datetime | None = None
    approvals: list[int] = field(default_factory=list)
    # The permission the grant holds from now on (a lowering changes it); None in events from before it
    # was sent, which leave the record's as it was.
    permission: str | None = None


@dataclass(frozen=True)
class OpenGrant:
    workflow_id: str
    run_number: int
    member_id: int
    target_key: str
    permission: str
    requested_by_id: int
    at: datetime


@dataclass(frozen=True)
class GrantTiming:
    """The policy's clocks, fixed when the grant opens so a running grant is not changed under it."""

    reminder_days: int
    escalation_days: int
    approval_expiry_days: int
    invitation_wait_days: int
    grant_days: int
    renewal_notice_days: int
    downgrade_grace_days: int


@dataclass(frozen=True)
class GrantOpened:
    allowed: bool
    reason: str
    approvals_needed: int
    target_kind: str
    target: str
    login: str | None
    timing: GrantTiming


@dataclass(frozen=True)
class RecheckGrant:
    member_id: int
    target_key: str
    permission: str


@dataclass(frozen=True)
class AccessNotice:
    """An email about a grant: to the member, its maintainers (reminder) or organizers (escalation)."""

    workflow_id: str
    run_number: int
    kind: str
    at: datetime
    key: str


@activity.defn(name="open_grant")
def open_grant(req: OpenGrant) -> GrantOpened:
    """GrantStore.open_grant: decide by the policy, record the request and the trust evidence."""
    raise NotImplementedError


@activity.defn(name="record_grant")
def record_grant(req: GrantEvent) -> None:
    """GrantStore.record_grant: a status change on the grant's record and in the ledger, once."""
    raise NotImplementedError


@activity.defn(name="recheck_grant")
def recheck_grant(req: RecheckGrant) -> str:
    """GrantStore.recheck_grant: "keep", "lower-to-read" (the member is dormant) or "remove" (trust fell)."""
    raise NotImplementedError


@activity.defn(name="send_access_notice")
def send_access_notice(req: AccessNotice) -> None:
    """GrantStore.send_access_notice: render and send the notice for `kind`, recorded once."""
    raise NotImplementedError
