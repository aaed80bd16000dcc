"""Identities seen in contributions (a GitHub login, a git author email) and the members who claim them.

The ledger is append-only, so claiming an identity moves none of its events: it records who claimed
it (and an `identity.claimed` event), and readers resolve an identity's events to that member.
Functions take a synchronous Session so the git import and the web app share them; from an
AsyncSession call them through `await session.run_sync(identities.claim, member, provider, value)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.errors import Conflict, NotFound
from domain.retention import IDENTITY_CLAIMED as CLAIMED
from models import Event, Member, UnclaimedIdentity
from models.base import utcnow

GITHUB, GIT_EMAIL = "github", "git-email"


def normalized(provider: str, value: str) -> str:
    """GitHub logins and email addresses are case-insensitive: one identity, whatever the case."""
    if provider not in (GITHUB, GIT_EMAIL):
        raise ValueError(f"unknown identity provider '{provider}'; use '{GITHUB}' or '{GIT_EMAIL}'")
    return value.strip().lower()


def get(session: Session, provider: str, value: str) -> UnclaimedIdentity | None:
    return session.scalar(
        select(UnclaimedIdentity).where(
            UnclaimedIdentity.provider == provider, UnclaimedIdentity.value == normalized(provider, value)
        )
    )


def get_or_create(session: Session, provider: str, value: str) -> UnclaimedIdentity:
    identity = get(session, provider, value)
    if identity is None:
        identity = UnclaimedIdentity(
            provider=provider, value=normalized(provider, value), first_seen_at=utcnow()
        )
        session.add(identity)
        session.flush()
    return identity


@dataclass(frozen=True)
class Subject:
    """Whom a contribution is recorded against: a member, or an identity nobody has claimed yet."""

    type: str  # "member" or "identity"
    id: int
    member_id: int | None


def subject_for(session: Session, provider: str, value: str, member_id: int | None) -> Subject:
    """The member already matched, else the member who claimed this identity, else the identity itself."""
    if member_id is None:
        identity = get_or_create(session, provider, value)
        if identity.claimed_by_id is None:
            return Subject("identity", identity.id, None)
        member_id = identity.claimed_by_id
    return Subject("member", member_id, member_id)


def member_by_github_login(session: Session, login: str) -> Member | None:
    return session.scalar(select(Member).where(func.lower(Member.github_login) == login.lower()))


def member_for_identity(session: Session, identity_id: int) -> Member | None:
    """The member who claimed this identity, or None while nobody has."""
    identity = session.get(UnclaimedIdentity, identity_id)
    if identity is None or identity.claimed_by_id is None:
        return None
    return session.get(Member, identity.claimed_by_id)


def claim(session: Session, member: Member, provider: str, value: str) -> UnclaimedIdentity:
    """Attribute an identity's past and future contributions to `member`; claiming it again is a no-op."""
    identity = get(session, provider, value)
    if identity is None:
        raise NotFound(f"No contribution was seen from {provider} identity '{value}'; check the spelling.")
    if identity.claimed_by_id == member.id:
        return identity
    if identity.claimed_by_id is not None:
        raise Conflict(f"The {provider} identity '{value}' is already claimed by another member.")
    identity.claimed_by_id, identity.claimed_at = member.id, utcnow()
    session.add(
        Event(
            at=identity.claimed_at,
            actor_id=member.id,
            kind=CLAIMED,
            subject_type="identity",
            subject_id=identity.id,
            payload={"provider": provider, "member_id": member.id},
            idempotency_key=f"identity/{identity.id}/claimed",
        )
    )
    session.flush()
    return identity
