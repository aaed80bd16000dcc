"""A member's journey through the playbook: what is done, what is next, and what an idle spell triggers.

Pure functions over a small state record, so the workflow stays control flow and every rule is
tested without a server.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.policy import Playbook, Step, StepKind
from domain.vouching import Vouch


class CompletedBy(enum.StrEnum):
    SELF = "self"
    ORGANIZER = "organizer"
    SYSTEM = "system"


class IdleActionKind(enum.StrEnum):
    REMIND = "remind"
    ESCALATE = "escalate"
    DORMANT = "dormant"


class Status(enum.StrEnum):
    ACTIVE = "active"
    DORMANT = "dormant"
    COMPLETE = "complete"
    SUSPENDED = "suspended"


@dataclass
class JourneyState:
    member_id: int
    playbook: Playbook
    signed_up_at: datetime
    last_activity_at: datetime
    completed: dict[str, datetime] = field(default_factory=dict)
    fired: list[str] = field(default_factory=list)
    dormant: bool = False
    activity_count: int = 0
    sign_in_links_sent: int = 0
    vouches: list[Vouch] = field(default_factory=list)
    suspended: bool = False
    trust_level: int = 0
    asked: list[int] = field(default_factory=list)  # members asked to vouch, each asked once
    suspensions: int = 0


@dataclass(frozen=True)
class JourneyInput:
    member_id: int
    state: JourneyState | None = None
    # Tests force continue-as-new early; production relies on the server's suggestion.
    history_limit: int | None = None


@dataclass(frozen=True)
class ActivitySeen:
    kind: str


@dataclass(frozen=True)
class SignInLinkRequest:
    reason: str = "requested"


@dataclass(frozen=True)
class TrustChanged:
    old_level: int
    new_level: int
    action: str


MAX_ASKS_AT_ONCE = 5
MAX_ASKS = 15


@dataclass(frozen=True)
class VouchAsk:
    member_ids: tuple[int, ...]


@dataclass(frozen=True)
class StepCompletion:
    step_id: str
    actor_id: int
    by: CompletedBy = CompletedBy.SELF
    form: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IdleAction:
    kind: IdleActionKind
    name: str
    at: datetime
    step_id: str | None


@dataclass(frozen=True)
class StepView:
    id: str
    title: str
    help: str
    links: tuple[str, ...]
    kind: StepKind
    status: str
    completed_at: datetime | None
    due_at: datetime | None
    completed_by_hint: str


@dataclass(frozen=True)
class JourneyView:
    member_id: int
    status: Status
    signed_up_at: datetime
    last_activity_at: datetime
    steps: tuple[StepView, ...]
    next_step_id: str | None
    next_reminder_at: datetime | None


_SHARED_PLAYBOOKS: dict[Playbook, Playbook] = {}


def shared(playbook: Playbook) -> Playbook:
    """One copy of each distinct playbook for all the journeys a worker keeps in memory."""
    return _SHARED_PLAYBOOKS.setdefault(playbook, playbook)


def current_step(state: JourneyState) -> Step | None:
    return next((s for s in state.playbook.steps if s.id not in state.completed), None)


def refusal(state: JourneyState, completion: StepCompletion) -> str | None:
    """Why this completion must be refused, or None when it may be recorded."""
    if state.suspended:
        return "This membership is suspended; an organizer must lift the suspension before steps go on."
    playbook = state.playbook
    step = playbook.step(completion.step_id)
    if step is None:
        known = ", ".join(s.id for s in playbook.steps)
        return f"Unknown step '{completion.step_id}'. The playbook's steps are: {known}."
    if step.id in state.completed:
        return f"Step '{step.id}' is already complete."
    current = current_step(state)
    if current is not None and current.id != step.id:
        return f"Step '{step.id}' comes later; complete '{current.id}' ({current.title}) first."
    if step.kind is StepKind.APPROVAL and completion.by is not CompletedBy.ORGANIZER:
        return f"Step '{step.id}' needs an organizer's approval; a member cannot complete it."
    if step.kind is StepKind.ACTIVITY_CHECKED and completion.by is not CompletedBy.SYSTEM:
        return f"Step '{step.id}' is checked automatically when the activity is seen."
    missing = [f.value for f in step.form if not completion.form.get(f.value, "").strip()]
    if missing:
        return f"Step '{step.id}' needs these fields: {', '.join(missing)}."
    unexpected = sorted(set(completion.form) - {f.value for f in step.form})
    if unexpected:
        return f"Step '{step.id}' does not take these fields: {', '.join(unexpected)}."
    return None


def ask_refusal(state: JourneyState, ask: VouchAsk) -> str | None:
    """Why these members may not be asked to vouch, or None. Asking is capped so it never becomes spam."""
    ids = ask.member_ids
    if state.suspended:
        return "This membership is suspended; asking for vouches waits until the suspension is lifted."
    if not ids:
        return "Name at least one member to ask."
    if len(ids) > MAX_ASKS_AT_ONCE:
        return f"Ask at most {MAX_ASKS_AT_ONCE} members at a time."
    if state.member_id in ids:
        return "You cannot ask yourself for a vouch."
    if len(set(ids)) != len(ids):
        return "Each member can be named once."
    if again := [i for i in ids if i in state.asked]:
        return f"You have already asked member {again[0]}; each person is asked once."
    if len(state.asked) + len(ids) > MAX_ASKS:
        return f"You can ask {MAX_ASKS} members in all; ask your chapter organizers for help instead."
    return None


def next_idle_action(state: JourneyState) -> IdleAction | None:
    """The next reminder, escalation or dormancy mark that an idle spell would trigger."""
    if state.suspended:
        return None  # no reminders to a suspended member, and no dormancy while organizers decide
    idle = state.playbook.idle
    step = current_step(state)
    candidates: list[tuple[int, IdleActionKind, str]] = []
    if step is not None and not state.dormant:
        candidates += [(d, IdleActionKind.REMIND, f"remind-{d}") for d in step.reminder_days]
        candidates.append((idle.escalate_after_days, IdleActionKind.ESCALATE, "escalate"))
    if not state.dormant:
        candidates.append((idle.dormant_after_days, IdleActionKind.DORMANT, "dormant"))
    for days, kind, name in sorted(candidates, key=lambda c: c[0]):
        if name not in state.fired:
            at = state.last_activity_at + timedelta(days=days)
            return IdleAction(kind, name, at, step.id if step else None)
    return None


def record_completion(state: JourneyState, step_id: str, at: datetime) -> None:
    state.completed[step_id] = at
    touch(state, at)


def touch(state: JourneyState, at: datetime) -> bool:
    """Count activity at `at`; True when it brings a dormant member back."""
    returned = state.dormant
    state.last_activity_at = max(state.last_activity_at, at)
    state.fired.clear()
    state.dormant = False
    state.activity_count += 1
    return returned


def view(state: JourneyState) -> JourneyView:
    steps: list[StepView] = []
    became_current = state.signed_up_at
    next_id: str | None = None
    for step in state.playbook.steps:
        done_at = state.completed.get(step.id)
        if done_at is not None:
            status, due = "done", None
            became_current = done_at
        elif next_id is None:
            next_id = step.id
            status, due = "next", became_current + timedelta(days=step.due_after_days)
        else:
            status, due = "upcoming", None
        steps.append(
            StepView(
                step.id,
                step.title,
                step.help,
                step.links,
                step.kind,
                status,
                done_at,
                due,
                _who_completes(step),
            )
        )
    action = next_idle_action(state)
    reminder_at = action.at if action and action.kind is IdleActionKind.REMIND else None
    status = (
        Status.SUSPENDED
        if state.suspended
        else Status.DORMANT
        if state.dormant
        else Status.COMPLETE
        if next_id is None
        else Status.ACTIVE
    )
    return JourneyView(
        state.member_id,
        status,
        state.signed_up_at,
        state.last_activity_at,
        tuple(steps),
        next_id,
        reminder_at,
    )


def _who_completes(step: Step) -> str:
    return {
        StepKind.SELF_ATTESTED: "You mark this done.",
        StepKind.FORM: "You fill in a short form.",
        StepKind.ACTIVITY_CHECKED: "Checked automatically when we see it happen.",
        StepKind.APPROVAL: "An organizer approves this.",
    }[step.kind]
