"""What workflows may ask of activities: input types and typed stubs, with no I/O imported.

Workflow modules import only this, so the sandbox never loads the ORM or SMTP code. Each stub names
an activity that a class in this package implements under the same name; a worker registers the
implementations (workflows/registry.py), never these stubs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from temporalio import activity

from domain.journey import JourneyView
from domain.policy import Playbook
from domain.vouching import SuspensionOutcome


@dataclass(frozen=True)
class RecordSignup:
    member_id: int
    at: datetime
    key: str


@dataclass(frozen=True)
class RecordStep:
    member_id: int
    step_id: str
    actor_id: int
    by: str
    at: datetime
    key: str
    next_step_id: str | None
    form: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishView:
    view: JourneyView
    at: datetime  # workflow time of the state the view shows


@dataclass(frozen=True)
class RecordStatus:
    member_id: int
    at: datetime
    key: str
    idle_days: int = 0


@dataclass(frozen=True)
class RecordVouch:
    vouchee_id: int
    voucher_id: int
    statement: str
    relation: str
    at: datetime
    expires_at: datetime
    budget: int  # vouches the voucher may give in 30 days, checked again inside the transaction
    key: str


@dataclass(frozen=True)
class RecordRevocation:
    vouchee_id: int
    voucher_id: int
    at: datetime
    key: str


@dataclass(frozen=True)
class RecordSuspension:
    member_id: int
    organizer_id: int
    reason: str
    penalty_points: int
    at: datetime
    key: str


@dataclass(frozen=True)
class RecordReinstatement:
    member_id: int
    organizer_id: int
    reason: str
    at: datetime
    key: str


@dataclass(frozen=True)
class RecomputeTrust:
    run_id: str
    at: datetime


@dataclass(frozen=True)
class LevelChange:
    member_id: int
    old: int
    new: int
    action: str
    grant_workflow_ids: list[str] = field(default_factory=list)  # their open access grants


@dataclass(frozen=True)
class RecomputeResult:
    members: int
    changes: list[LevelChange]
    # Open grants above read held by dormant members: each warns, then lowers to read after a grace period.
    dormant_grant_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MailRequest:
    member_id: int
    at: datetime
    key: str
    step_id: str | None = None
    nth: int = 0
    idle_days: int = 0
    about_id: int | None = None  # the other member a message concerns (a suspended vouchee, an asker)


@activity.defn(name="start_journey")
def start_journey(req: RecordSignup) -> Playbook:
    """JourneyStore.start_journey: record the signup, return the playbook to follow."""
    raise NotImplementedError


@activity.defn(name="record_step")
def record_step(req: RecordStep) -> None:
    """JourneyStore.record_step."""
    raise NotImplementedError


@activity.defn(name="publish_view")
def publish_view(req: PublishView) -> None:
    """JourneyStore.publish_view: the journey's read-side row."""
    raise NotImplementedError


@activity.defn(name="record_vouch")
def record_vouch(req: RecordVouch) -> None:
    """JourneyStore.record_vouch."""
    raise NotImplementedError


@activity.defn(name="revoke_vouch")
def revoke_vouch(req: RecordRevocation) -> None:
    """JourneyStore.revoke_vouch."""
    raise NotImplementedError


@activity.defn(name="suspend_member")
def suspend_member(req: RecordSuspension) -> SuspensionOutcome:
    """AccountabilityStore.suspend_member: suspend, penalize vouchers, queue their other vouchees."""
    raise NotImplementedError


@activity.defn(name="reinstate_member")
def reinstate_member(req: RecordReinstatement) -> None:
    """AccountabilityStore.reinstate_member."""
    raise NotImplementedError


@activity.defn(name="send_voucher_notice")
def send_voucher_notice(req: MailRequest) -> None:
    """Mailer.send_voucher_notice: tell a voucher that someone they vouched for (about_id) was suspended."""
    raise NotImplementedError


@activity.defn(name="send_vouch_ask")
def send_vouch_ask(req: MailRequest) -> None:
    """Mailer.send_vouch_ask: ask a member (member_id) to consider vouching for about_id."""
    raise NotImplementedError


@activity.defn(name="recompute_trust")
def recompute_trust(req: RecomputeTrust) -> RecomputeResult:
    """TrustStore.recompute_trust: assess everyone, write the score history and level changes."""
    raise NotImplementedError


@activity.defn(name="mark_dormant")
def mark_dormant(req: RecordStatus) -> None:
    """JourneyStore.mark_dormant."""
    raise NotImplementedError


@activity.defn(name="mark_returned")
def mark_returned(req: RecordStatus) -> None:
    """JourneyStore.mark_returned."""
    raise NotImplementedError


@activity.defn(name="send_welcome")
def send_welcome(req: MailRequest) -> None:
    """Mailer.send_welcome."""
    raise NotImplementedError


@activity.defn(name="send_sign_in_link")
def send_sign_in_link(req: MailRequest) -> None:
    """Mailer.send_sign_in_link."""
    raise NotImplementedError


@activity.defn(name="send_nudge")
def send_nudge(req: MailRequest) -> None:
    """Mailer.send_nudge."""
    raise NotImplementedError


@activity.defn(name="send_level_change")
def send_level_change(req: MailRequest) -> None:
    """Mailer.send_level_change: the new level (nth) and what it now allows, or why it changed."""
    raise NotImplementedError


@activity.defn(name="send_escalation")
def send_escalation(req: MailRequest) -> None:
    """Mailer.send_escalation."""
    raise NotImplementedError
