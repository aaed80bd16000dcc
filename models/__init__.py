"""The record: SQLAlchemy models. Importing this package registers every table on Base.metadata."""

# Flush hooks: one keeps the rollups current, the other queues webhook deliveries (a transactional outbox).
import models.rollup_upkeep
import models.webhook_outbox  # noqa: F401
from models.access import AccessGrant, GrantStatus
from models.api_token import ApiToken
from models.base import Base
from models.campaign import Campaign, CampaignRecipient
from models.community import Chapter, ChapterKind, Community, Project, ProjectStatus
from models.drift import DriftRecord
from models.identity import UnclaimedIdentity
from models.journey_view import JourneyViewRecord
from models.ledger import Event
from models.member import Member, MemberStatus, StepProgress
from models.mentorship import CheckIn, MenteeNeeds, MentorProfile, Mentorship, NeverPair, PairingStatus
from models.review import ReviewItem, ReviewKind, ReviewOutcome
from models.rollups import (
    CohortCell,
    ContributorMonth,
    ContributorSpan,
    CyclePresence,
    MemberFunnel,
    RollupState,
)
from models.share import ShareLink
from models.trust import TrustScore
from models.vouch import Vouch, VouchPenalty
from models.webhook import DeliveryStatus, WebhookDelivery, WebhookEndpoint

__all__ = [
    "AccessGrant",
    "ApiToken",
    "Base",
    "Campaign",
    "CampaignRecipient",
    "Chapter",
    "ChapterKind",
    "CheckIn",
    "CohortCell",
    "Community",
    "ContributorMonth",
    "ContributorSpan",
    "CyclePresence",
    "DeliveryStatus",
    "DriftRecord",
    "Event",
    "GrantStatus",
    "JourneyViewRecord",
    "Member",
    "MemberFunnel",
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
    "RollupState",
    "ShareLink",
    "StepProgress",
    "TrustScore",
    "UnclaimedIdentity",
    "Vouch",
    "VouchPenalty",
    "WebhookDelivery",
    "WebhookEndpoint",
]
