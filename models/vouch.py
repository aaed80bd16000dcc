"""Vouches: one member standing behind another, with how they know them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.vouching import Relation
from models.base import Base, str_enum


class Vouch(Base):
    __tablename__ = "vouches"
    __table_args__ = (UniqueConstraint("voucher_id", "vouchee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    voucher_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    vouchee_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    statement: Mapped[str] = mapped_column(String(500))
    relation: Mapped[Relation] = mapped_column(str_enum(Relation))
    created_at: Mapped[datetime] = mapped_column(index=True)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class VouchPenalty(Base):
    """Capacity a voucher lost when someone they vouched for was suspended; it recovers with time."""

    __tablename__ = "vouch_penalties"
    __table_args__ = (UniqueConstraint("voucher_id", "vouchee_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    voucher_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    vouchee_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    points: Mapped[int]
    created_at: Mapped[datetime]
    lifted_at: Mapped[datetime | None]  # the suspension was lifted: the penalty no longer counts
