"""Dependencies declared once: settings, database session, Temporal client, and who may call a route."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api.journey_reads import JourneyReads, MemberAndJourney, ReadSideUnavailable, SignedInMember
from api.schemas import MAX_ID
from api.services import tokens
from api.settings import Settings
from api.telemetry import MEMBER_READS
from domain.api_tokens import Scope
from domain.roles import Role
from models import Member


class NotSignedIn(Exception):
    """Raised by access checks; the app answers 401 (API) or a redirect to the sign-in page."""


class BadToken(Exception):
    """An Authorization header with an unknown, revoked or expired token: 401, saying which."""


class TokenNotAllowed(Exception):
    """A valid token used where its scopes do not reach: 403."""


class Forbidden(Exception):
    def __init__(self, allowed: frozenset[Role], *, suspended: bool = False) -> None:
        message = f"This needs one of these roles: {', '.join(sorted(allowed))}."
        if suspended:
            message += " Your account is suspended: until an organizer lifts it, you act as a member."
        super().__init__(message)


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessions() as session:
        yield session


async def get_temporal(request: Request) -> Client:
    client: Client = request.app.state.temporal
    return client


# Both are `async def` although they never wait: FastAPI runs a plain `def` dependency in its thread
# pool, a thread hop (and a wait for one of 40 threads under load) on every request.
SettingsDep = Annotated[Settings, Depends(get_settings)]
# A record's id in a path: past the database's range it names nothing, and the database would raise (422).
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
TemporalDep = Annotated[Client, Depends(get_temporal)]


async def _signed_in_member(request: Request, session: SessionDep) -> Member | None:
    member_id = request.session.get("member_id")
    if member_id is None:
        return None
    member = await session.get(Member, member_id)
    if member is None or request.session.get("epoch") != member.session_epoch:
        request.session.clear()  # signed out elsewhere, or erased: an old cookie is no key
        return None
    request.state.me = member
    return member


OptionalMember = Annotated[Member | None, Depends(_signed_in_member)]


def allow(roles: frozenset[Role], *, or_self: bool = False, scope: Scope | None = None) -> Any:
    """The caller if their role is in `roles` (with or_self: or the path's member_id is theirs).

    A caller is a signed-in session or, on routes that name a `scope`, an API token with that scope
    acting with its owner's role. Tokens are refused everywhere else, so a leaked token reaches only
    what its scopes name.
    """

    async def check(request: Request, session: SessionDep) -> Member:
        bearer = _bearer_token(request)
        member: Member | None
        if bearer is not None:
            member = await _token_owner(session, bearer, scope)
        else:
            member = await _signed_in_member(request, session)
        if member is None:
            raise NotSignedIn
        is_self = or_self and str(request.path_params.get("member_id")) == str(member.id)
        if member.acting_role not in roles and not is_self:
            raise Forbidden(roles, suspended=member.suspended)
        # End the caller's read here: the route may go on to wait for a workflow update, which lasts as
        # long as the workers are slow or down, and must not hold a pooled connection meanwhile.
        await session.commit()
        return member

    check.allowed_roles = roles  # type: ignore[attr-defined]  # read by the route-walking test
    check.or_self = or_self  # type: ignore[attr-defined]
    check.scope = scope  # type: ignore[attr-defined]
    return Depends(check)


def allow_with_journey(roles: frozenset[Role]) -> Any:
    """allow(roles) for the member's own journey routes, read on the fast path (api/journey_reads.py):
    the caller and their published journey in one query, and no ORM session unless that path fails."""

    async def check(request: Request) -> MemberAndJourney:
        if _bearer_token(request) is not None or "member_id" not in request.session:
            return await _checked_the_usual_way(request, roles)  # tokens: 401 or 403; nobody: 401
        reads: JourneyReads = request.app.state.journey_reads
        try:
            found = await reads.member_and_journey(request.session["member_id"])
        except ReadSideUnavailable:
            return await _checked_the_usual_way(request, roles)
        if found is None or request.session.get("epoch") != found.session_epoch:
            request.session.clear()  # as in _signed_in_member: an old cookie is no key
            raise NotSignedIn
        if found.member.role not in roles:
            raise Forbidden(roles)
        request.state.me = found.member
        return found

    check.allowed_roles = roles  # type: ignore[attr-defined]
    check.or_self = False  # type: ignore[attr-defined]
    check.scope = None  # type: ignore[attr-defined]
    return Depends(check)


async def _checked_the_usual_way(request: Request, roles: frozenset[Role]) -> MemberAndJourney:
    MEMBER_READS.labels("orm").inc()
    async with request.app.state.sessions() as session:
        member = await allow(roles).dependency(request, session)
    me = SignedInMember(
        member.id,
        member.acting_role,
        member.display_name,
        member.time_zone,
        tuple(member.skills),
        member.github_login,
    )
    request.state.me = me
    return MemberAndJourney(me, member.session_epoch, None)


def _bearer_token(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else None


async def _token_owner(session: AsyncSession, plaintext: str, scope: Scope | None) -> Member:
    try:
        token, owner = await tokens.authenticate(session, plaintext)
    except tokens.TokenRefused as exc:
        raise BadToken(str(exc)) from exc
    if scope is None:
        raise TokenNotAllowed("API tokens cannot call this route; sign in instead.")
    if scope not in token.scopes:
        raise TokenNotAllowed(f"This API token lacks the scope '{scope}'; make one that has it.")
    return owner


def _public_check() -> Callable[[Request], Coroutine[Any, Any, None]]:
    async def public(request: Request) -> None:
        request.app.state.rate_limits.check(request)

    public.allowed_roles = "public"  # type: ignore[attr-defined]
    return public


PUBLIC = Depends(_public_check())
