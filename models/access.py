"""Access grants: each GitHub permission a member holds through Perennial, with the reason behind it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.access import Permission, TargetKind
from models.base import Base, str_enum


class GrantStatus(enum.StrEnum):
    REFUSED = "refused"  # the policy said no, with the reason
    AWAITING_APPROVAL = "awaiting-approval"
    DENIED = "denied"
    EXPIRED_UNAPPROVED = "unapproved"  # nobody approved in time
    APPLYING = "applying"
    INVITED = "invited"  # waiting for the member to accept GitHub's invitation
    ACTIVE = "active"
    WARNED = "warned"  # active, but trust or activity fell; lowered after the grace period
    REVOKED = "revoked"
    LAPSED = "lapsed"  # the grant's term ended without renewal, or the invitation went unanswered


class AccessGrant(Base):
    __tablename__ = "access_grants"
    __table_args__ = (UniqueConstraint("workflow_id", "run_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[str] = mapped_column(String(200), index=True)
    run_number: Mapped[int] = mapped_column(default=1)  # a new request for the same target is a new run
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    target_kind: Mapped[TargetKind] = mapped_column(str_enum(TargetKind))
    target: Mapped[str] = mapped_column(String(100))
    permission: Mapped[Permission] = mapped_column(str_enum(Permission))
    status: Mapped[GrantStatus] = mapped_column(str_enum(GrantStatus), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    requested_at: Mapped[datetime]
    # The trust evidence the decision rested on: level, and the latest score's run.
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    approvals: Mapped[list[Any]] = mapped_column(JSON, default=list)  # {"by": member id, "at": iso time}
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    active_since: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
