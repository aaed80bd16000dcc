"""The record: SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from models.base import Base
from models.community import Chapter, ChapterKind, Community, Project, ProjectStatus
from models.ledger import Event
from models.member import Member, MemberStatus, StepProgress
from models.review import ReviewItem, ReviewKind, ReviewOutcome
from models.trust import TrustScore
from models.vouch import Vouch, VouchPenalty

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
    "ReviewItem",
    "ReviewKind",
    "ReviewOutcome",
    "StepProgress",
    "TrustScore",
    "Vouch",
    "VouchPenalty",
]
