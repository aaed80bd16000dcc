"""Campaign records and email: the segment frozen into waves at launch, each wave sent once, the tally."""

from __future__ import annotations

from string import Template

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.campaign_contracts import CampaignTally, Wave
from activities.mail import Mailer
from domain import sign_in
from models import Campaign, CampaignRecipient, Member, MemberStatus


class CampaignStore:
    def __init__(self, sessions: sessionmaker[Session], mailer: Mailer, secret: str, base_url: str) -> None:
        self._sessions = sessions
        self._mailer = mailer
        self._secret = secret
        self._base_url = base_url.rstrip("/")

    @activity.defn
    def plan_campaign(self, req: Wave) -> int:
        with self._sessions.begin() as session:
            campaign = _campaign(session, req.campaign_id)
            planned = session.scalar(
                select(func.max(CampaignRecipient.wave)).where(CampaignRecipient.campaign_id == campaign.id)
            )
            if planned is not None:
                return int(planned)  # a retry: the waves were frozen the first time
            members = audience(session, campaign.segment)
            for n, member in enumerate(members):
                session.add(
                    CampaignRecipient(
                        campaign_id=campaign.id,
                        member_id=member.id,
                        chapter_id=member.chapter_id,
                        wave=n // campaign.wave_size + 1,
                    )
                )
            return (len(members) + campaign.wave_size - 1) // campaign.wave_size

    @activity.defn
    def send_campaign_wave(self, req: Wave) -> int:
        sent = 0
        with self._sessions.begin() as session:
            campaign = _campaign(session, req.campaign_id)
            due = session.scalars(
                select(CampaignRecipient).where(
                    CampaignRecipient.campaign_id == campaign.id,
                    CampaignRecipient.wave == req.number,
                    CampaignRecipient.sent_at.is_(None),
                )
            )
            for recipient in due:
                member = session.get(Member, recipient.member_id)
                if member is None or not member.consented_to("reminders") or member.suspended:
                    continue  # nobody is mailed against their wishes; they do not count as reached
                token = sign_in.issue_campaign_token(self._secret, campaign.id, member.id)
                body = Template(campaign.body).safe_substitute(name=member.display_name)
                self._mailer.deliver(
                    "campaign",
                    [member.email],
                    f"campaign-{campaign.id}/{member.id}",
                    subject=campaign.subject,
                    body=body,
                    back_url=f"{self._base_url}/back?token={token}",
                )
                recipient.sent_at = req.at
                sent += 1
        return sent

    @activity.defn
    def close_campaign(self, req: Wave) -> CampaignTally:
        with self._sessions.begin() as session:
            campaign = _campaign(session, req.campaign_id)
            campaign.status = "finished"
            rows = list(
                session.scalars(select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign.id))
            )
            return CampaignTally(sum(1 for r in rows if r.sent_at), sum(1 for r in rows if r.returned_at))


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ApplicationError(f"campaign {campaign_id} does not exist", type="NotFound", non_retryable=True)
    return campaign


def audience(session: Session, segment: dict[str, object]) -> list[Member]:
    """The members a campaign to this segment would be planned for (mailed only if they agreed to it)."""
    return [m for m in session.scalars(_segment_query(segment)) if _has_skill(m, segment)]


def _segment_query(segment: dict[str, object]) -> Select[Member]:
    query = select(Member).where(Member.suspended_at.is_(None)).order_by(Member.id)
    if segment.get("dormant", True):
        query = query.where(Member.status == MemberStatus.DORMANT)
    if isinstance(chapter := segment.get("chapter_id"), int):
        query = query.where(Member.chapter_id == chapter)
    return query


def _has_skill(member: Member, segment: dict[str, object]) -> bool:
    skill = segment.get("skill")
    return not skill or str(skill).lower() in {s.lower() for s in member.skills}
