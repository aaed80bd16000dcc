"""The community's shape: chapters (geographic or interest groups with organizers) and projects."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_enum, utcnow

chapter_organizers = Table(
    "chapter_organizers",
    Base.metadata,
    Column("chapter_id", ForeignKey("chapters.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
)

project_maintainers = Table(
    "project_maintainers",
    Base.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
)


class ChapterKind(enum.StrEnum):
    GEOGRAPHIC = "geographic"
    INTEREST = "interest"


class ProjectStatus(enum.StrEnum):
    ACTIVE = "active"
    HIBERNATING = "hibernating"


class Community(Base):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Chapter(Base):
    __tablename__ = "chapters"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[ChapterKind] = mapped_column(str_enum(ChapterKind), default=ChapterKind.GEOGRAPHIC)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organizers: Mapped[list[Member]] = relationship(secondary=chapter_organizers, lazy="selectin")


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(String(2000), default="")
    repositories: Mapped[list[str]] = mapped_column(default=list)
    skills_needed: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[ProjectStatus] = mapped_column(str_enum(ProjectStatus), default=ProjectStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    maintainers: Mapped[list[Member]] = relationship(secondary=project_maintainers, lazy="selectin")


from models.member import Member  # noqa: E402  (resolves the relationship annotations above)
