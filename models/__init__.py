"""The record: SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from models.access import AccessGrant, GrantStatus
from models.base import Base
from models.campaign import Campaign, CampaignRecipient
from models.community import Chapter, ChapterKind, Community, Project, ProjectStatus
from models.drift import DriftRecord
from models.identity import UnclaimedIdentity
from models.ledger import Event
from models.member import Member, MemberStatus, StepProgress
from models.mentorship import CheckIn, MenteeNeeds, MentorProfile, Mentorship, NeverPair, PairingStatus
from models.review import ReviewItem, ReviewKind, ReviewOutcome
from models.share import ShareLink
from models.trust import TrustScore
from models.vouch import Vouch, VouchPenalty

__all__ = [
    "AccessGrant",
    "Base",
    "Campaign",
    "CampaignRecipient",
    "Chapter",
    "ChapterKind",
    "CheckIn",
    "Community",
    "DriftRecord",
    "Event",
    "GrantStatus",
    "Member",
    "MemberStatus",
    "MenteeNeeds",
    "MentorProfile",
    "Mentorship",
    "NeverPair",
    "PairingStatus",
    "Project",
    "ProjectStatus",
    "ReviewItem",
    "ReviewKind",
    "ReviewOutcome",
    "ShareLink",
    "StepProgress",
    "TrustScore",
    "UnclaimedIdentity",
    "Vouch",
    "VouchPenalty",
]
