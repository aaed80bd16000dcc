"""What other tools post in: contributions (canvassing shifts, events attended, PRs) that feed trust and
retention. Organizers call these signed in; integrations call them with an `events:write` token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status
from pydantic import EmailStr

from api.deps import RecordId, SessionDep, SettingsDep, TemporalDep, allow
from api.schemas import ContributionIn, EventOut
from api.services import contributions, journeys, members
from domain.api_tokens import Scope
from domain.errors import InvalidField
from domain.roles import ORGANIZERS
from models import Member

router = APIRouter(tags=["integrations"])
EventWriter = Annotated[Member, allow(ORGANIZERS, scope=Scope.WRITE_EVENTS)]


class ContributionByEmailIn(ContributionIn):
    email: EmailStr  # the member's address, as the sending tool knows them


@router.post(
    "/api/members/{member_id}/contributions", status_code=status.HTTP_201_CREATED, response_model=EventOut
)
async def contribution_api(
    member_id: RecordId,
    body: ContributionIn,
    me: EventWriter,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> EventOut:
    """Record a contribution (merged PR, review, event attended, mentoring, organizing task) for a member."""
    member = await members.get(session, member_id)
    return await _record(member, body, me, session, temporal, settings)


@router.post("/api/contributions", status_code=status.HTTP_201_CREATED, response_model=EventOut)
async def contribution_by_email_api(
    body: ContributionByEmailIn,
    me: EventWriter,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> EventOut:
    """Record a contribution for the member with this email: what an organizing tool posts after a shift.

    Send the tool's own id as `external_id`: a resend then answers 409 instead of counting twice.
    """
    member = await members.by_email(session, body.email)
    if member is None:
        raise InvalidField("email", "No member has this email; they sign up first, or import them by CSV.")
    return await _record(
        member, ContributionIn(**body.model_dump(exclude={"email"})), me, session, temporal, settings
    )


async def _record(
    member: Member,
    body: ContributionIn,
    me: Member,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> EventOut:
    event = await contributions.record(session, member, body, me)
    await journeys.activity_seen(temporal, settings, member.id, "contribution")
    return EventOut.model_validate(event)
