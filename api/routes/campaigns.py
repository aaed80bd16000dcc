"""Re-engagement campaigns: organizers target a segment and launch; a member answers "I'm back" from the
email and their journey picks up where they left it. GitHub access lowered while they were away comes
back only through the access policy's checks: they ask again and maintainers re-verify."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from activities.campaign_contracts import CampaignInput
from api.deps import PUBLIC, SessionDep, SettingsDep, TemporalDep, allow
from api.pages import render
from api.services import journeys
from api.services.campaigns import campaign_results
from domain import sign_in
from domain.errors import Rejected
from domain.roles import ORGANIZERS
from models import Campaign, CampaignRecipient, Event, Member
from models.base import utcnow
from workflows.reengagement import ReengagementCampaign

router = APIRouter(tags=["campaigns"])
Organizer = Annotated[Member, allow(ORGANIZERS)]
Public = Annotated[None, PUBLIC]


class Segment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dormant: bool = True
    chapter_id: int | None = None
    skill: Annotated[str, Field(max_length=40)] | None = None


class CampaignIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: Annotated[str, Field(min_length=1, max_length=120)]
    subject: Annotated[str, Field(min_length=1, max_length=150)]
    body: Annotated[str, Field(min_length=10, max_length=5000)]  # $name becomes each member's name
    segment: Segment = Segment()
    wave_size: Annotated[int, Field(ge=1, le=1000)] = 50
    wave_minutes: Annotated[int, Field(ge=1, le=10_080)] = 60


@router.post("/api/campaigns", status_code=status.HTTP_201_CREATED)
async def launch_api(
    body: CampaignIn, me: Organizer, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> dict[str, int]:
    """Launch: the segment is frozen now and emailed in waves of `wave_size`, `wave_minutes` apart."""
    campaign = Campaign(
        name=body.name,
        segment=body.segment.model_dump(),
        subject=body.subject,
        body=body.body,
        wave_size=body.wave_size,
        wave_minutes=body.wave_minutes,
        created_by_id=me.id,
        created_at=utcnow(),
    )
    session.add(campaign)
    await session.commit()
    await temporal.start_workflow(
        ReengagementCampaign.run,
        CampaignInput(campaign.id, body.wave_minutes),
        id=f"{settings.workflow_id_prefix}campaign-{campaign.id}",
        task_queue=settings.temporal_task_queue,
    )
    return {"id": campaign.id}


@router.get("/api/campaigns")
async def results_api(_: Organizer, session: SessionDep) -> list[dict[str, Any]]:
    """Each campaign: reached, returned, and both by chapter."""
    return await campaign_results(session)


@router.get("/back", response_class=HTMLResponse)
async def back_page(request: Request, token: str, _: Public, settings: SettingsDep) -> HTMLResponse:
    """Opening the link changes nothing (mail scanners open links); the button does."""
    sign_in.read_campaign_token(settings.secret_key, token)
    return render(request, "campaigns/back.html", {"token": token, "welcomed": False})


@router.post("/back", response_class=HTMLResponse)
async def back(
    request: Request, _: Public, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> HTMLResponse:
    token = str((await request.form()).get("token", ""))
    claim = sign_in.read_campaign_token(settings.secret_key, token)
    recipient = await session.scalar(
        select(CampaignRecipient).where(
            CampaignRecipient.campaign_id == claim.campaign_id, CampaignRecipient.member_id == claim.member_id
        )
    )
    if recipient is None:
        raise Rejected("This link was not sent to you.")
    if recipient.returned_at is None:
        recipient.returned_at = utcnow()
        session.add(
            Event(
                at=utcnow(),
                kind="member.answered_campaign",
                subject_type="member",
                subject_id=claim.member_id,
                actor_id=claim.member_id,
                payload={"campaign_id": claim.campaign_id},
            )
        )
        await session.commit()
        await journeys.activity_seen(temporal, settings, claim.member_id, "campaign")
    return render(request, "campaigns/back.html", {"token": token, "welcomed": True})
