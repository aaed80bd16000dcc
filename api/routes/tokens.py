"""API tokens for integrations: made by organizers, shown once, scoped, revocable."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api.deps import RecordId, SessionDep, allow
from api.forms import field_errors
from api.pages import render
from api.schemas import Line
from api.services import tokens
from domain.api_tokens import SCOPE_HELP, Scope
from domain.roles import ORGANIZERS
from models import ApiToken, Member

router = APIRouter(tags=["tokens"])
Organizer = Annotated[Member, allow(ORGANIZERS)]


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: Annotated[Line, Field(min_length=1, max_length=80)]
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=len(Scope))]
    days: Annotated[int, Field(ge=1, le=730)] | None = 365  # null: until revoked


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    prefix: str
    scopes: list[str]
    owner_id: int
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str  # the only time it is shown


@router.get("/api/tokens", response_model=list[TokenOut])
async def list_api(me: Organizer, session: SessionDep) -> list[TokenOut]:
    """Your tokens (admins: everyone's). Only a prefix of each is kept, to tell them apart."""
    return [TokenOut.model_validate(t) for t in await tokens.visible_to(session, me)]


@router.post("/api/tokens", status_code=status.HTTP_201_CREATED, response_model=NewTokenOut)
async def create_api(body: TokenIn, me: Organizer, session: SessionDep) -> NewTokenOut:
    """Make a token; copy it from this answer, as it is never shown again.

    Send it as `Authorization: Bearer <token>`.
    """
    token, plaintext = await tokens.create(session, me, body.name, body.scopes, body.days)
    return NewTokenOut(**TokenOut.model_validate(token).model_dump(), token=plaintext)


@router.post("/api/tokens/{token_id}/revoke", response_model=TokenOut)
async def revoke_api(token_id: RecordId, me: Organizer, session: SessionDep) -> TokenOut:
    return TokenOut.model_validate(await tokens.revoke(session, token_id, me))


@router.get("/tokens", response_class=HTMLResponse)
async def tokens_page(request: Request, me: Organizer, session: SessionDep) -> HTMLResponse:
    return await _page(request, me, session)


@router.post("/tokens", response_class=HTMLResponse)
async def create_form(request: Request, me: Organizer, session: SessionDep) -> HTMLResponse:
    form = await request.form()
    data = {
        "name": form.get("name", ""),
        "scopes": form.getlist("scopes"),
        "days": form.get("days") or None,
    }
    try:
        body = TokenIn.model_validate(data)
    except ValidationError as exc:
        errors = field_errors(exc)
        return await _page(request, me, session, errors=errors, code=status.HTTP_422_UNPROCESSABLE_CONTENT)
    token, plaintext = await tokens.create(session, me, body.name, body.scopes, body.days)
    return await _page(request, me, session, made=(token, plaintext), code=status.HTTP_201_CREATED)


@router.post("/tokens/{token_id}/revoke")
async def revoke_form(token_id: RecordId, me: Organizer, session: SessionDep) -> Response:
    await tokens.revoke(session, token_id, me)
    return RedirectResponse("/tokens", status_code=status.HTTP_303_SEE_OTHER)


async def _page(
    request: Request,
    me: Member,
    session: SessionDep,
    *,
    errors: dict[str, str] | None = None,
    made: tuple[ApiToken, str] | None = None,
    code: int = 200,
) -> HTMLResponse:
    context = {
        "tokens": await tokens.visible_to(session, me),
        "scopes": SCOPE_HELP,
        "errors": errors or {},
        "made": made,
    }
    return render(request, "tokens/list.html", context, status_code=code)
