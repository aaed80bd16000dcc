"""Reconciling GitHub with the grants: what drifted on each target, and a fix plan behind safety rails,
each item saying why it is or is not applied. Pure: the grants and GitHub's holders are gathered elsewhere."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from typing import Annotated

from pydantic import Field

# A login's grant is wanted on GitHub in these grant states; "invited" is desired but not yet accepted.
DESIRED_STATUSES = ("active", "warned", "invited")
TEAM = "team"
MAINTAINER_PERMISSIONS = ("maintain", "admin")
RANK = ("read", "triage", "write", "maintain", "admin")


class DriftKind(enum.StrEnum):
    MISSING = "missing"  # desired, but neither held nor invited on GitHub
    LEFT = "left"  # held through an active grant before, now absent: left, or removed by hand
    EXTRA = "extra"  # on GitHub without a grant: not Perennial's to manage
    WRONG_PERMISSION = "wrong-permission"
    PENDING = "pending"  # invited on GitHub, waiting for the member to accept


class Action(enum.StrEnum):
    ADD = "add"
    CHANGE = "change"
    REMOVE = "remove"
    ASK = "ask"  # ask the person before re-adding them
    LEAVE = "leave"  # leave alone


@dataclass(frozen=True)
class Rails:
    max_removal_percent: Annotated[int, Field(ge=0, le=100)] = 25  # of a target's holders, per run
    min_admins: Annotated[int, Field(ge=0)] = 1  # on a repository, never fewer after removals
    remove_unmanaged: bool = False


@dataclass(frozen=True)
class Desired:
    login: str
    permission: str
    status: str  # the grant's status: active | warned | invited


@dataclass(frozen=True)
class Held:
    login: str
    permission: str
    state: str  # invited | active


@dataclass(frozen=True)
class Finding:
    kind: DriftKind
    login: str
    desired: str | None
    actual: str | None
    why: str


@dataclass(frozen=True)
class PlanItem:
    target_kind: str
    target: str
    login: str
    action: Action
    permission: str | None  # to set (add, change), to give back (ask), or held now (remove, leave)
    allowed: bool
    why: str

    @property
    def key(self) -> tuple[str, str, str, str, str | None]:
        return (self.target_kind, self.target, self.login.lower(), self.action.value, self.permission)


@dataclass(frozen=True)
class TargetDrift:
    target_kind: str
    target: str
    holders: int
    findings: tuple[Finding, ...] = ()
    plan: tuple[PlanItem, ...] = ()
    refused: str | None = None  # why the whole plan for this target is refused
    error: str | None = None  # why GitHub could not be read


@dataclass(frozen=True)
class DriftReport:
    targets: tuple[TargetDrift, ...]
    rails: Rails = Rails()
    dry_run: bool = True

    @property
    def findings(self) -> int:
        return sum(len(t.findings) for t in self.targets)

    @property
    def allowed(self) -> tuple[PlanItem, ...]:
        return tuple(item for t in self.targets for item in t.plan if item.allowed)


@dataclass(frozen=True)
class Fix:
    item: PlanItem
    done: bool
    note: str


def same_access(target_kind: str, desired: str, held: str) -> bool:
    """Teams have roles, not permissions: up to write is a member; maintain and admin, a maintainer."""
    if target_kind == TEAM:
        return (desired in MAINTAINER_PERMISSIONS) == (held in MAINTAINER_PERMISSIONS)
    return desired == held


def drift(
    target_kind: str, target: str, desired: list[Desired], held: list[Held], rails: Rails
) -> TargetDrift:
    """What differs between the grants and GitHub on one target, and the plan that would fix it."""
    wanted = _by_login(desired)
    on_github = {h.login.lower(): h for h in held}
    found = [
        _finding(target_kind, wanted.get(login), on_github.get(login))
        for login in sorted(wanted.keys() | on_github.keys())
    ]
    findings = tuple(f for f in found if f is not None)
    planned = (_item(target_kind, target, f, rails) for f in findings)
    items = _keep_admins(target_kind, target, [i for i in planned if i is not None], held, rails.min_admins)
    refused = _too_many_removals(target_kind, target, items, len(held), rails.max_removal_percent)
    if refused is not None:
        items = [
            replace(i, allowed=False, why=f"Refused with the whole plan: {refused}") if i.allowed else i
            for i in items
        ]
    return TargetDrift(target_kind, target, len(held), findings, tuple(items), refused)


def unreadable(target_kind: str, target: str, error: str) -> TargetDrift:
    why = f"GitHub could not be read, so nothing is planned: {error}"
    return TargetDrift(target_kind, target, 0, error=why)


def confirmed_fixes(confirmed: DriftReport, now: DriftReport) -> tuple[list[PlanItem], list[Fix]]:
    """What to apply: the confirmed report's allowed items that the plan still allows; the rest skipped."""
    still = {item.key: item for item in now.allowed}
    changed = {(t.target_kind, t.target, i.login.lower()): i for t in now.targets for i in t.plan}
    apply, skipped = [], []
    for item in confirmed.allowed:
        if item.key in still:
            apply.append(still[item.key])
            continue
        newer = changed.get((item.target_kind, item.target, item.login.lower()))
        note = (
            f"Skipped: GitHub changed since the report; the plan now says: {newer.why}"
            if newer is not None
            else "Skipped: GitHub already matches the grants."
        )
        skipped.append(Fix(item, False, note))
    return apply, skipped


def _by_login(desired: list[Desired]) -> dict[str, Desired]:
    """One wish per login: where two grants name the same person, the higher permission."""
    wanted: dict[str, Desired] = {}
    for wish in desired:
        if wish.status not in DESIRED_STATUSES:
            continue
        login = wish.login.lower()
        if login not in wanted or _rank(wish.permission) > _rank(wanted[login].permission):
            wanted[login] = wish
    return wanted


def _finding(target_kind: str, wish: Desired | None, holder: Held | None) -> Finding | None:
    if wish is None and holder is not None:
        has = "is invited with" if holder.state == "invited" else "holds"
        why = f"{holder.login} {has} {holder.permission} on GitHub, and no grant through Perennial covers it."
        return Finding(DriftKind.EXTRA, holder.login, None, holder.permission, why)
    if wish is None:
        return None
    if holder is None:
        if wish.status == "invited":
            why = (
                f"{wish.login}'s {wish.permission} grant is waiting for an invitation that GitHub no "
                "longer shows (declined or expired)."
            )
            return Finding(DriftKind.MISSING, wish.login, wish.permission, None, why)
        why = (
            f"{wish.login} held {wish.permission} through their {wish.status} grant and is no longer on "
            "GitHub: they left, or someone removed them by hand."
        )
        return Finding(DriftKind.LEFT, wish.login, wish.permission, None, why)
    if not same_access(target_kind, wish.permission, holder.permission):
        held_as = f"the team role for {holder.permission}" if target_kind == TEAM else holder.permission
        why = f"{wish.login} holds {held_as} on GitHub; the grant says {wish.permission}."
        return Finding(DriftKind.WRONG_PERMISSION, wish.login, wish.permission, holder.permission, why)
    if holder.state == "invited":
        why = f"{wish.login} is invited with {holder.permission}; waiting for them to accept."
        return Finding(DriftKind.PENDING, wish.login, wish.permission, holder.permission, why)
    return None


def _item(target_kind: str, target: str, found: Finding, rails: Rails) -> PlanItem | None:
    login, on, wanted = found.login, f"{target_kind} {target}", found.desired
    step: tuple[Action, str | None, bool, str] | None = None
    match found.kind:
        case DriftKind.MISSING:
            step = Action.ADD, wanted, True, f"Invite {login} to {on} again with {wanted}, as the grant says."
        case DriftKind.WRONG_PERMISSION:
            step = Action.CHANGE, wanted, True, f"Set {login} to {wanted} on {on}, as the grant says."
        case DriftKind.LEFT:
            why = f"Ask {login} before re-adding: leaving is their choice, so no fix re-adds them unasked."
            step = Action.ASK, wanted, False, why
        case DriftKind.EXTRA if rails.remove_unmanaged:
            why = f"Remove {login} from {on}: no grant covers this access."
            step = Action.REMOVE, found.actual, True, why
        case DriftKind.EXTRA:
            why = f"Left alone: Perennial does not manage {login}'s access to {on} (remove_unmanaged is off)."
            step = Action.LEAVE, found.actual, False, why
    return None if step is None else PlanItem(target_kind, target, login, *step)


def _keep_admins(
    target_kind: str, target: str, items: list[PlanItem], held: list[Held], minimum: int
) -> list[PlanItem]:
    """Refuses each removal or lowering of a repository admin that would leave fewer than `minimum`."""
    if target_kind == TEAM:
        return items
    admins = {h.login.lower() for h in held if h.permission == "admin" and h.state == "active"}
    left, kept = len(admins), []
    for item in items:
        lowers = item.action is Action.REMOVE or (item.action is Action.CHANGE and item.permission != "admin")
        if item.allowed and lowers and item.login.lower() in admins:
            if left - 1 < minimum:
                why = f"Refused: {item.login} is one of {left} admin(s) of {target}; keep at least {minimum}."
                item = replace(item, allowed=False, why=why)
            else:
                left -= 1
        kept.append(item)
    return kept


def _too_many_removals(
    target_kind: str, target: str, items: list[PlanItem], holders: int, percent: int
) -> str | None:
    removals = sum(1 for i in items if i.allowed and i.action is Action.REMOVE)
    if removals * 100 <= percent * holders:
        return None
    return (
        f"it would remove {removals} of {holders} holder(s) of {target_kind} {target}, more than the "
        f"{percent}% allowed at once. Remove them by hand, or in smaller steps."
    )


def _rank(permission: str) -> int:
    return RANK.index(permission) if permission in RANK else -1
