"""Members and their progress through the playbook."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column

from domain.roles import Role, acting_role
from models.base import Base, str_enum, utcnow


class MemberStatus(enum.StrEnum):
    ACTIVE = "active"
    DORMANT = "dormant"


class Member(Base):
    __tablename__ = "members"
    # GitHub logins are the same login whatever their case (migration 0021).
    __table_args__ = (Index("uq_members_github_login_lower", func.lower(text("github_login")), unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("chapters.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    skills: Mapped[list[str]] = mapped_column(default=list)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    github_login: Mapped[str | None] = mapped_column(String(39), unique=True)
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.MEMBER)
    trust_level: Mapped[int] = mapped_column(default=0, server_default="0")  # index into the policy's levels
    trust_warned_at: Mapped[datetime | None]  # when a pending demotion was announced
    # An organizer's approval to hold this level: the top level is never reached by scores alone.
    approved_level: Mapped[int | None]
    suspended_at: Mapped[datetime | None]
    suspended_reason: Mapped[str | None] = mapped_column(String(500))
    erased_at: Mapped[datetime | None]  # personal data removed at the member's request; the ids remain
    status: Mapped[MemberStatus] = mapped_column(
        str_enum(MemberStatus), default=MemberStatus.ACTIVE, index=True
    )
    consents: Mapped[dict[str, Any]] = mapped_column(default=dict)
    current_step: Mapped[str | None] = mapped_column(String(40), index=True)
    sign_in_nonce: Mapped[int] = mapped_column(default=0)
    # Sessions carry the epoch they began in; signing out (or erasure) moves it on, ending them all.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    signed_up_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def acting_role(self) -> Role:
        return acting_role(self.role, self.suspended)

    def consented_to(self, purpose: str) -> bool:
        return bool(self.consents.get(purpose, False))


class StepProgress(Base):
    __tablename__ = "step_progress"
    __table_args__ = (UniqueConstraint("member_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[str] = mapped_column(String(40))
    completed_at: Mapped[datetime]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
