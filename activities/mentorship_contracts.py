"""What the Mentorship workflow may ask of activities (implemented by activities/mentorship.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from temporalio import activity


@dataclass(frozen=True)
class PairingEvent:
    mentorship_id: int
    status: str
    at: datetime
    key: str
    reason: str = ""
    next_check_in_at: datetime | None = None
    new_mentor_id: int | None = None  # reassigning: the mentor the mentee moves to


@dataclass(frozen=True)
class CheckInRound:
    mentorship_id: int
    round: int
    due_at: datetime
    at: datetime
    key: str
    answered: list[str] = field(default_factory=list)  # for closing: the sides that answered


@dataclass(frozen=True)
class CheckInAnswered:
    mentorship_id: int
    round: int
    side: str
    went_well: str
    blocked_on: str
    at: datetime


@dataclass(frozen=True)
class FeedbackGiven:
    mentorship_id: int
    side: str
    text: str


@dataclass(frozen=True)
class MentorshipNotice:
    mentorship_id: int
    kind: str  # introduction, check_in, missed_alert, milestone, feedback, not_accepted, graduated, ended
    at: datetime
    key: str
    detail: str = ""


@dataclass(frozen=True)
class MilestoneQuery:
    mentorship_id: int
    at: datetime


@activity.defn(name="record_pairing")
def record_pairing(req: PairingEvent) -> None:
    """MentorshipStore.record_pairing: the pairing's status and the ledger, once per key."""
    raise NotImplementedError


@activity.defn(name="open_check_in")
def open_check_in(req: CheckInRound) -> None:
    """MentorshipStore.open_check_in: a check-in row for each side, once."""
    raise NotImplementedError


@activity.defn(name="record_check_in_answer")
def record_check_in_answer(req: CheckInAnswered) -> None:
    """MentorshipStore.record_check_in_answer: what one side said, on its row of the open round."""
    raise NotImplementedError


@activity.defn(name="record_feedback")
def record_feedback(req: FeedbackGiven) -> None:
    """MentorshipStore.record_feedback: what one side said as the mentorship ended, on the pairing."""
    raise NotImplementedError


@activity.defn(name="close_check_in")
def close_check_in(req: CheckInRound) -> int:
    """MentorshipStore.close_check_in: record answers; returns check-ins missed in a row by anyone."""
    raise NotImplementedError


@activity.defn(name="new_milestones")
def new_milestones(req: MilestoneQuery) -> list[str]:
    """MentorshipStore.new_milestones: the mentee's firsts (merged PR, review) not celebrated yet."""
    raise NotImplementedError


@dataclass(frozen=True)
class Rematched:
    mentorship_id: int
    mentor_id: int


@activity.defn(name="rematch_mentee")
def rematch_mentee(req: PairingEvent) -> Rematched | None:
    """MentorshipStore.rematch_mentee: a new pairing (the named mentor, or the next best), or None."""
    raise NotImplementedError


@activity.defn(name="send_mentorship_notice")
def send_mentorship_notice(req: MentorshipNotice) -> None:
    """MentorshipStore.send_mentorship_notice: the email for `kind`, to the right people, once."""
    raise NotImplementedError
