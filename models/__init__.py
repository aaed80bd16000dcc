"""The record: SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from models.base import Base
from models.community import Chapter, ChapterKind, Community, Project, ProjectStatus
from models.ledger import Event
from models.member import Member, MemberStatus, StepProgress
from models.trust import TrustScore
from models.vouch import Vouch

__all__ = [
    "Base",
    "Chapter",
    "ChapterKind",
    "Community",
    "Event",
    "Member",
    "MemberStatus",
    "Project",
    "ProjectStatus",
    "StepProgress",
    "TrustScore",
    "Vouch",
]
