"""Re-engagement campaigns: organizers target a segment and launch; a member answers "I'm back" from the
email and their journey picks up where they left it. GitHub access lowered while they were away comes
back only through the access policy's checks: they ask again and maintainers re-verify."""

from __future__ import annotations

from string import Template
from typing import Annotated, Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from activities.campaign import audience
from activities.campaign_contracts import CampaignInput
from api.deps import PUBLIC, SessionDep, SettingsDep, TemporalDep, allow
from api.forms import field_errors
from api.pages import render
from api.schemas import Id, Line, Text
from api.services import journeys
from api.services.campaigns import campaign_results
from domain import sign_in
from domain.errors import Rejected
from domain.roles import ORGANIZERS
from models import Campaign, CampaignRecipient, Chapter, Event, Member
from models.base import utcnow
from workflows.reengagement import ReengagementCampaign

router = APIRouter(tags=["campaigns"])
Organizer = Annotated[Member, allow(ORGANIZERS)]
Public = Annotated[None, PUBLIC]


class Segment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dormant: bool = True
    chapter_id: Id | None = None
    skill: Annotated[Line, Field(max_length=40)] | None = None


class CampaignIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: Annotated[Line, Field(min_length=1, max_length=120)]
    subject: Annotated[Line, Field(min_length=1, max_length=150)]
    body: Annotated[Text, Field(min_length=10, max_length=5000)]  # $name becomes each member's name
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


DEFAULT_BODY = """Hi $name,

It has been a while, and we miss you. The next cycle is coming, and there is work that fits what you
did before: small tasks, a mentor if you want one, and the same people you worked with.
"""


class CampaignForm(BaseModel):
    """The page's form, flat: checkboxes and selects send strings or nothing."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    name: str = ""
    subject: str = ""
    body: str = ""
    dormant: bool = False
    chapter_id: str = ""
    skill: str = ""
    wave_size: str = "50"
    wave_minutes: str = "60"
    action: str = "preview"

    def campaign(self) -> CampaignIn:
        segment = Segment(
            dormant=self.dormant,
            chapter_id=int(self.chapter_id) if self.chapter_id else None,
            skill=self.skill or None,
        )
        return CampaignIn.model_validate(
            {
                **self.model_dump(include={"name", "subject", "body", "wave_size", "wave_minutes"}),
                "segment": segment,
            }
        )


@router.get("/campaigns/new", response_class=HTMLResponse)
async def new_page(request: Request, _: Organizer, session: SessionDep) -> HTMLResponse:
    form = CampaignForm(dormant=True, body=DEFAULT_BODY, subject="We'd love to have you back")
    return await _form_page(request, session, form, {}, None)


@router.post("/campaigns", response_class=HTMLResponse)
async def launch_form(
    request: Request, me: Organizer, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> Response:
    """Preview shows who the segment holds today and the message as the first of them would read it;
    launch freezes the segment and starts sending."""
    form = CampaignForm.model_validate(
        {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    )
    try:
        campaign = form.campaign()
    except ValidationError as exc:
        return await _form_page(request, session, form, field_errors(exc), None, 422)
    if form.action != "launch":
        return await _form_page(request, session, form, {}, await session.run_sync(_preview, campaign))
    await launch_api(campaign, me, session, temporal, settings)
    return RedirectResponse("/dashboards/organizer#campaigns", status_code=status.HTTP_303_SEE_OTHER)


def _preview(session: Session, campaign: CampaignIn) -> dict[str, Any]:
    members = audience(session, campaign.segment.model_dump())
    mailed = [m for m in members if m.consented_to("reminders")]
    sample = Template(campaign.body).safe_substitute(name=mailed[0].display_name) if mailed else None
    return {"in_segment": len(members), "mailed": len(mailed), "sample": sample}


async def _form_page(
    request: Request,
    session: AsyncSession,
    form: CampaignForm,
    errors: dict[str, str],
    preview: dict[str, Any] | None,
    status_code: int = 200,
) -> HTMLResponse:
    chapters = (await session.scalars(select(Chapter).order_by(Chapter.name))).all()
    context = {"form": form, "errors": errors, "preview": preview, "chapters": chapters}
    return render(request, "campaigns/new.html", context, status_code)


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
