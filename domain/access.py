"""Graduated GitHub access: which trust level may hold which permission on which target, who must
approve it, and for how long. Pure: the member's facts are gathered elsewhere; `decide` explains itself."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Permission(enum.StrEnum):
    """GitHub's repository roles, lowest first."""

    READ = "read"
    TRIAGE = "triage"
    WRITE = "write"
    MAINTAIN = "maintain"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Permission).index(self)


class TargetKind(enum.StrEnum):
    REPO = "repo"
    TEAM = "team"
    SANDBOX = "sandbox"  # a personal practice repository made from a template


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def default_approvals(permission: Permission) -> int:
    return 2 if permission is Permission.ADMIN else 1 if permission.rank >= Permission.WRITE.rank else 0


class Rung(_Frozen):
    permission: Permission
    min_level: Annotated[str, Field(min_length=1, max_length=40)]
    approvals: Annotated[int, Field(ge=0, le=5)] | None = None  # default: write+ one, admin two

    @property
    def approvals_needed(self) -> int:
        return default_approvals(self.permission) if self.approvals is None else self.approvals


class Target(_Frozen):
    kind: TargetKind
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,100}$")]  # repository name or team slug
    rungs: tuple[Rung, ...]

    @property
    def key(self) -> str:
        return f"{self.kind.value}-{self.name}"

    @model_validator(mode="after")
    def _rungs_climb(self) -> Self:
        ranks = [r.permission.rank for r in self.rungs]
        if not ranks or ranks != sorted(set(ranks)):
            raise ValueError(f"{self.key}: list rungs from the lowest permission up, each once")
        return self


class AccessPolicy(_Frozen):
    org: Annotated[str, Field(min_length=1, max_length=100)] = "perennial-demo"
    targets: tuple[Target, ...] = ()
    grant_days: Annotated[int, Field(ge=1, le=1095)] = 365
    renewal_notice_days: Annotated[int, Field(ge=1, le=90)] = 14
    approval_reminder_days: Annotated[int, Field(ge=1, le=30)] = 3
    approval_escalation_days: Annotated[int, Field(ge=1, le=60)] = 7
    approval_expiry_days: Annotated[int, Field(ge=1, le=90)] = 30
    invitation_wait_days: Annotated[int, Field(ge=1, le=30)] = 7
    downgrade_grace_days: Annotated[int, Field(ge=0, le=90)] = 14  # warned first, lowered after
    sandbox_template: str = "sandbox-template"

    def target(self, key: str) -> Target | None:
        return next((t for t in self.targets if t.key == key), None)


@dataclass(frozen=True)
class MemberAccessFacts:
    member_id: int
    github_login: str | None
    level: int
    level_name: str
    suspended: bool
    level_names: tuple[str, ...]


@dataclass(frozen=True)
class AccessDecision:
    allowed: bool
    reason: str
    approvals_needed: int = 0


def rung_for(target: Target, permission: Permission) -> Rung | None:
    return next((r for r in target.rungs if r.permission is permission), None)


def decide(facts: MemberAccessFacts, target: Target, permission: Permission) -> AccessDecision:
    """May this member hold this permission on this target, and how many maintainers must approve?"""
    rung = rung_for(target, permission)
    if rung is None:
        offered = ", ".join(r.permission.value for r in target.rungs)
        return AccessDecision(False, f"{target.key} offers {offered}, not {permission.value}.")
    if facts.suspended:
        return AccessDecision(False, "Suspended members hold no access until the suspension is lifted.")
    if facts.github_login is None and target.kind is not TargetKind.SANDBOX:
        return AccessDecision(False, "Add your GitHub login to your profile first.")
    if rung.min_level not in facts.level_names:
        return AccessDecision(False, f"The policy names an unknown level '{rung.min_level}'.")
    needed = facts.level_names.index(rung.min_level)
    if facts.level < needed:
        wanted = f"{permission.value} on {target.key}"
        return AccessDecision(
            False, f"{wanted} needs the level '{rung.min_level}'; you are '{facts.level_name}'."
        )
    approvals = rung.approvals_needed
    reason = f"Your level '{facts.level_name}' allows {permission.value} on {target.key}" + (
        f"; {approvals} maintainer approval{'s' if approvals > 1 else ''} needed." if approvals else "."
    )
    return AccessDecision(True, reason, approvals)


def still_allowed(facts: MemberAccessFacts, target: Target, permission: Permission) -> bool:
    """Whether a held grant may stay: trust has not fallen below the rung and no suspension."""
    rung = rung_for(target, permission)
    return (
        rung is not None
        and not facts.suspended
        and rung.min_level in facts.level_names
        and facts.level >= facts.level_names.index(rung.min_level)
    )


def project_covers(repositories: list[str], org: str, target: Target) -> bool:
    """Whether a project's repositories include this target, so its maintainers decide on it."""
    return target.kind is TargetKind.REPO and any(
        repo in (target.name, f"{org}/{target.name}") for repo in repositories
    )


def grant_workflow_id(prefix: str, member_id: int, target_key: str) -> str:
    return f"{prefix}access-{member_id}-{target_key}"
