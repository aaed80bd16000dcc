"""Creating, listing, revoking and checking API tokens. Only a token's hash is ever stored."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import api_tokens
from domain.api_tokens import Scope
from domain.errors import InvalidField, NotFound, Rejected
from domain.roles import ADMINS
from models import ApiToken, Event, Member
from models.base import utcnow

# Writing "last used" on every call would turn each read into a write; a minute's precision is enough.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenRefused(Exception):
    """The bearer token is unknown, revoked or expired (401), with a message that says which to fix."""


async def create(
    session: AsyncSession, owner: Member, name: str, scopes: list[Scope], days: int | None
) -> tuple[ApiToken, str]:
    if not scopes:
        raise InvalidField("scopes", "Choose at least one scope.")
    made = api_tokens.new_token()
    now = utcnow()
    token = ApiToken(
        owner_id=owner.id,
        name=name,
        prefix=made.prefix,
        token_hash=made.digest,
        scopes=sorted(set(scopes)),
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    session.add(token)
    await session.flush()
    _audit(session, "token.created", token, owner)
    await session.commit()
    return token, made.plaintext


async def visible_to(session: AsyncSession, me: Member) -> list[ApiToken]:
    """Admins see every token; anyone else sees their own."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc())
    if me.acting_role not in ADMINS:
        query = query.where(ApiToken.owner_id == me.id)
    return list(await session.scalars(query))


async def revoke(session: AsyncSession, token_id: int, me: Member) -> ApiToken:
    token = await session.get(ApiToken, token_id)
    if token is None or (token.owner_id != me.id and me.acting_role not in ADMINS):
        raise NotFound(f"No token {token_id} of yours.")
    if token.revoked_at is not None:
        raise Rejected("That token was already revoked.")
    token.revoked_at = utcnow()
    _audit(session, "token.revoked", token, me)
    await session.commit()
    return token


async def authenticate(session: AsyncSession, plaintext: str) -> tuple[ApiToken, Member]:
    """The token and its owner, or TokenRefused saying why."""
    token = None
    if api_tokens.looks_like_token(plaintext):
        token = await session.scalar(
            select(ApiToken).where(ApiToken.token_hash == api_tokens.digest(plaintext))
        )
    if token is None:
        raise TokenRefused("This API token is not valid: check it was copied whole, or make a new one.")
    now = utcnow()
    if token.revoked_at is not None:
        raise TokenRefused(f"API token {token.prefix}… was revoked; make a new one.")
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRefused(f"API token {token.prefix}… expired; make a new one.")
    owner = await session.get(Member, token.owner_id)
    if owner is None or owner.suspended:
        raise TokenRefused(f"API token {token.prefix}… belongs to an account that cannot use it now.")
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        token.last_used_at = now
        await session.commit()
    return token, owner


def _audit(session: AsyncSession, kind: str, token: ApiToken, actor: Member) -> None:
    session.add(
        Event(
            kind=kind,
            subject_type="api_token",
            subject_id=token.id,
            actor_id=actor.id,
            at=utcnow(),
            payload={"name": token.name, "scopes": list(token.scopes), "owner_id": token.owner_id},
        )
    )
