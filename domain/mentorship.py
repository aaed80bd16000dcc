"""A mentorship's process as data: its clocks, what each side may do when, and the refusals' reasons."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class MentorshipPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    accept_days: Annotated[int, Field(ge=1, le=30)] = 3
    check_in_every_days: Annotated[int, Field(ge=1, le=60)] = 14
    length_weeks: Annotated[int, Field(ge=1, le=104)] = 12
    missed_before_alert: Annotated[int, Field(ge=1, le=10)] = 2
    feedback_days: Annotated[int, Field(ge=1, le=60)] = 14


class Side(enum.StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class Stage(enum.StrEnum):
    INTRODUCED = "introduced"
    ACTIVE = "active"
    PAUSED = "paused"
    FEEDBACK = "feedback"
    ENDED = "ended"


@dataclass(frozen=True)
class MentorshipInput:
    mentorship_id: int
    mentor_id: int
    mentee_id: int
    policy: MentorshipPolicy = field(default_factory=MentorshipPolicy)


@dataclass(frozen=True)
class Acceptance:
    mentor_id: int


@dataclass(frozen=True)
class CheckInAnswer:
    side: Side
    went_well: str
    blocked_on: str = ""


@dataclass(frozen=True)
class Feedback:
    side: Side
    text: str


@dataclass(frozen=True)
class Change:
    """Pause, resume, end early or reassign, by one of the pair or an organizer, with a reason."""

    by_id: int
    reason: str
    new_mentor_id: int | None = None  # reassign


@dataclass
class Progress:
    stage: Stage = Stage.INTRODUCED
    round: int = 0
    answered: set[str] = field(default_factory=set)  # sides that answered the current round
    feedback: dict[str, str] = field(default_factory=dict)
    pause: Change | None = None
    ending: Change | None = None
    missed_in_a_row: int = 0


def acceptance_refusal(progress: Progress, acceptance: Acceptance, mentor_id: int) -> str | None:
    if acceptance.mentor_id != mentor_id:
        return "Only the proposed mentor can accept this mentorship."
    if progress.stage is not Stage.INTRODUCED:
        return f"This mentorship is {progress.stage.value}; there is nothing to accept."
    return None


def check_in_refusal(progress: Progress, answer: CheckInAnswer) -> str | None:
    if progress.stage is not Stage.ACTIVE or progress.round == 0:
        return "There is no check-in open right now; the next one comes by email."
    if answer.side.value in progress.answered:
        return f"The {answer.side.value} has already answered this check-in."
    if not answer.went_well.strip():
        return "Say in a line what went well since the last check-in."
    return None


def change_refusal(progress: Progress, change: Change, kind: str) -> str | None:
    if len(change.reason.strip()) < 5:
        return "Give the reason in a few words; both of you and the organizers see it."
    allowed = {
        "pause": (Stage.ACTIVE,),
        "resume": (Stage.PAUSED,),
        "end": (Stage.INTRODUCED, Stage.ACTIVE, Stage.PAUSED),
        "reassign": (Stage.INTRODUCED, Stage.ACTIVE, Stage.PAUSED),
    }[kind]
    if progress.stage not in allowed:
        return f"A mentorship that is {progress.stage.value} cannot be {kind}d."
    if kind == "reassign" and change.new_mentor_id is None:
        return "Name the new mentor."
    return None


def feedback_refusal(progress: Progress, feedback: Feedback) -> str | None:
    if progress.stage is not Stage.FEEDBACK:
        return "Feedback opens when the mentorship reaches its end."
    if feedback.side.value in progress.feedback:
        return f"The {feedback.side.value} has already given feedback."
    if not feedback.text.strip():
        return "Write a line of feedback."
    return None
