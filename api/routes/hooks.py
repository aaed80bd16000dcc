"""Outbound webhooks: organizers subscribe endpoints to event kinds, read each delivery log, replay.
Integrations manage them with a `webhooks:manage` token. (Inbound GitHub webhooks are routes/webhooks.py.)"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api.deps import RecordId, SessionDep, SettingsDep, TemporalDep, allow
from api.forms import field_errors
from api.pages import render
from api.schemas import Line
from api.services import webhooks
from domain.api_tokens import Scope
from domain.errors import InvalidField
from domain.roles import ORGANIZERS
from domain.webhooks import SIGNATURE_HEADER, EventType
from models import Member, WebhookEndpoint

router = APIRouter(tags=["webhooks (outbound)"])
Organizer = Annotated[Member, allow(ORGANIZERS)]
Manager = Annotated[Member, allow(ORGANIZERS, scope=Scope.MANAGE_WEBHOOKS)]


class EndpointIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    url: Annotated[Line, Field(min_length=8, max_length=500)]
    description: Annotated[Line, Field(min_length=1, max_length=120)]
    event_types: Annotated[list[EventType], Field(min_length=1, max_length=len(EventType))]
    rate_per_minute: Annotated[int, Field(ge=1, le=600)] = 60


class EndpointOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    url: str
    description: str
    event_types: list[str]
    rate_per_minute: int
    created_at: datetime
    disabled_at: datetime | None
    disabled_reason: str | None
    circuit: str


class NewEndpointOut(EndpointOut):
    secret: str  # shown once: verify each delivery's signature with it


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    event_id: int
    event_type: str
    status: str
    attempts: int
    replay_of_id: int | None
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None


class EndpointLogOut(EndpointOut):
    deliveries: list[DeliveryOut]


@router.get("/api/hooks", response_model=list[EndpointOut])
async def list_api(_: Manager, session: SessionDep) -> list[EndpointOut]:
    return [EndpointOut.model_validate(e) for e in await webhooks.endpoints(session)]


@router.post("/api/hooks", status_code=status.HTTP_201_CREATED, response_model=NewEndpointOut)
async def subscribe_api(
    body: EndpointIn, me: Manager, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> NewEndpointOut:
    """Subscribe an endpoint. Each delivery is a JSON POST signed in the `Perennial-Signature` header:
    `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`. Keep the secret: it is
    shown only in this answer."""
    found, secret = await webhooks.subscribe(session, temporal, settings, me, **body.model_dump())
    return NewEndpointOut(**EndpointOut.model_validate(found).model_dump(), secret=secret)


@router.get("/api/hooks/{endpoint_id}", response_model=EndpointLogOut)
async def log_api(endpoint_id: RecordId, _: Manager, session: SessionDep) -> EndpointLogOut:
    """The endpoint and its latest deliveries, newest first."""
    found = await webhooks.endpoint(session, endpoint_id)
    log = [DeliveryOut.model_validate(d) for d in await webhooks.deliveries(session, endpoint_id)]
    return EndpointLogOut(**EndpointOut.model_validate(found).model_dump(), deliveries=log)


@router.post("/api/hooks/{endpoint_id}/disable", response_model=EndpointOut)
async def disable_api(
    endpoint_id: RecordId, me: Manager, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> EndpointOut:
    return EndpointOut.model_validate(await webhooks.disable(session, temporal, settings, endpoint_id, me))


@router.post("/api/hooks/deliveries/{delivery_id}/replay", response_model=DeliveryOut)
async def replay_api(
    delivery_id: RecordId, me: Manager, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> DeliveryOut:
    """Send a delivered or failed delivery again, as a new delivery of the same event."""
    return DeliveryOut.model_validate(await webhooks.replay(session, temporal, settings, delivery_id, me))


@router.get("/hooks", response_class=HTMLResponse)
async def hooks_page(request: Request, _: Organizer, session: SessionDep) -> HTMLResponse:
    return await _list_page(request, session)


@router.post("/hooks", response_class=HTMLResponse)
async def subscribe_form(
    request: Request, me: Organizer, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> HTMLResponse:
    form = await request.form()
    data = {
        "url": form.get("url", ""),
        "description": form.get("description", ""),
        "event_types": form.getlist("event_types"),
        "rate_per_minute": form.get("rate_per_minute") or 60,
    }
    try:
        body = EndpointIn.model_validate(data)
        made = await webhooks.subscribe(session, temporal, settings, me, **body.model_dump())
    except ValidationError as exc:
        return await _list_page(request, session, errors=field_errors(exc), form=data)
    except InvalidField as exc:
        return await _list_page(request, session, errors={exc.field: exc.message}, form=data)
    return await _list_page(request, session, made=made)


@router.get("/hooks/{endpoint_id}", response_class=HTMLResponse)
async def log_page(
    request: Request, endpoint_id: RecordId, _: Organizer, session: SessionDep
) -> HTMLResponse:
    context = {
        "endpoint": await webhooks.endpoint(session, endpoint_id),
        "deliveries": await webhooks.deliveries(session, endpoint_id),
    }
    return render(request, "hooks/log.html", context)


@router.post("/hooks/{endpoint_id}/disable")
async def disable_form(
    endpoint_id: RecordId, me: Organizer, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> Response:
    await webhooks.disable(session, temporal, settings, endpoint_id, me)
    return RedirectResponse(f"/hooks/{endpoint_id}", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/hooks/deliveries/{delivery_id}/replay")
async def replay_form(
    delivery_id: RecordId, me: Organizer, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> Response:
    again = await webhooks.replay(session, temporal, settings, delivery_id, me)
    return RedirectResponse(f"/hooks/{again.endpoint_id}", status_code=status.HTTP_303_SEE_OTHER)


async def _list_page(
    request: Request,
    session: SessionDep,
    *,
    errors: dict[str, str] | None = None,
    form: Mapping[str, object] | None = None,
    made: tuple[WebhookEndpoint, str] | None = None,
) -> HTMLResponse:
    context = {
        "endpoints": await webhooks.endpoints(session),
        "event_types": list(EventType),
        "signature_header": SIGNATURE_HEADER,
        "errors": errors or {},
        "form": form or {},
        "made": made,
    }
    code = 422 if errors else (201 if made else 200)
    return render(request, "hooks/list.html", context, status_code=code)
