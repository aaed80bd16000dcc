"""Mentorship records: who mentors (and how many), what a mentee needs, each pairing and its check-ins."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, str_enum


class MentorProfile(Base):
    __tablename__ = "mentor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), unique=True)
    skills: Mapped[list[Any]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(default=2)
    time_zone: Mapped[str] = mapped_column(String(64))
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    availability: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)


class MenteeNeeds(Base):
    __tablename__ = "mentee_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), unique=True)
    skills_wanted: Mapped[list[Any]] = mapped_column(JSON, default=list)
    goals: Mapped[str] = mapped_column(String(500), default="")
    time_zone: Mapped[str] = mapped_column(String(64))
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)


class PairingStatus(enum.StrEnum):
    INTRODUCED = "introduced"  # waiting for the mentor to accept
    ACTIVE = "active"
    PAUSED = "paused"
    GRADUATED = "graduated"
    ENDED = "ended"  # ended early, with a reason
    NOT_ACCEPTED = "not-accepted"  # the mentor did not accept in time; the mentee is matched again
    REASSIGNED = "reassigned"


class Mentorship(Base):
    __tablename__ = "mentorships"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    status: Mapped[PairingStatus] = mapped_column(str_enum(PairingStatus), index=True)
    score: Mapped[float] = mapped_column(default=0.0)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(500))
    next_check_in_at: Mapped[datetime | None]
    missed_in_a_row: Mapped[int] = mapped_column(default=0)
    # What each side said when it ended, for the organizers (and each side's own download).
    mentor_feedback: Mapped[str | None] = mapped_column(String(500))
    mentee_feedback: Mapped[str | None] = mapped_column(String(500))


class CheckIn(Base):
    __tablename__ = "check_ins"
    __table_args__ = (UniqueConstraint("mentorship_id", "round", "side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id"), index=True)
    round: Mapped[int]
    side: Mapped[str] = mapped_column(String(10))  # "mentor" or "mentee"
    due_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)


class NeverPair(Base):
    """An organizer's rule that two people are never proposed as mentor and mentee (a conflict, a history)."""

    __tablename__ = "never_pairs"
    __table_args__ = (UniqueConstraint("mentor_id", "mentee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    mentee_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    set_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime]
