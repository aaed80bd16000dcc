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
