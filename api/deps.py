"""Dependencies declared once: settings, database session, Temporal client, and who may call a route."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api.settings import Settings
from domain.roles import Role
from models import Member


class NotSignedIn(Exception):
    """Raised by access checks; the app answers 401 (API) or a redirect to the sign-in page."""


class Forbidden(Exception):
    def __init__(self, allowed: frozenset[Role]) -> None:
        super().__init__(f"This needs one of these roles: {', '.join(sorted(allowed))}.")


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessions() as session:
        yield session


def get_temporal(request: Request) -> Client:
    client: Client = request.app.state.temporal
    return client


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
TemporalDep = Annotated[Client, Depends(get_temporal)]


async def _signed_in_member(request: Request, session: SessionDep) -> Member | None:
    member_id = request.session.get("member_id")
    if member_id is None:
        return None
    member = await session.get(Member, member_id)
    if member is None:
        request.session.clear()
        return None
    request.state.me = member
    return member


OptionalMember = Annotated[Member | None, Depends(_signed_in_member)]


def allow(roles: frozenset[Role], *, or_self: bool = False) -> Any:
    """The signed-in member if their role is in `roles` (with or_self: or the path's member_id is theirs)."""

    async def check(request: Request, member: OptionalMember) -> Member:
        if member is None:
            raise NotSignedIn
        is_self = or_self and str(request.path_params.get("member_id")) == str(member.id)
        if member.role not in roles and not is_self:
            raise Forbidden(roles)
        return member

    check.allowed_roles = roles  # type: ignore[attr-defined]  # read by the route-walking test
    check.or_self = or_self  # type: ignore[attr-defined]
    return Depends(check)


def _public_check() -> Callable[[Request], Coroutine[Any, Any, None]]:
    async def public(request: Request) -> None:
        request.app.state.rate_limits.check(request)

    public.allowed_roles = "public"  # type: ignore[attr-defined]
    return public


PUBLIC = Depends(_public_check())
