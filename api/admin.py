"""Administrative changes made from the command line, each in one transaction."""

from __future__ import annotations

from sqlalchemy import select

from api.settings import Environment, Settings
from domain import sign_in
from domain.errors import ConfigError, NotFound
from domain.roles import Role
from models import Chapter, Community, Member, Project
from models.base import make_engine, session_factory


def _sessions(settings: Settings):  # type: ignore[no-untyped-def]
    return session_factory(make_engine(settings.database_url))


def ensure_community(settings: Settings) -> int:
    with _sessions(settings).begin() as session:
        community = session.scalar(select(Community).order_by(Community.id))
        if community is None:
            community = Community(name=settings.policy.community.name)
            session.add(community)
        community.name = settings.policy.community.name
        session.flush()
        return int(community.id)


def assign_role(settings: Settings, email: str, role: Role) -> None:
    with _sessions(settings).begin() as session:
        member = session.scalar(select(Member).where(Member.email == email.lower()))
        if member is None:
            raise NotFound(f"No member has the email {email!r}; they must sign up first.")
        member.role = role


def development_sign_in_link(settings: Settings, email: str) -> str:
    if settings.environment == Environment.PRODUCTION:
        raise ConfigError("sign-in links are printed only in development; in production members ask by email")
    with _sessions(settings)() as session:
        member = session.scalar(select(Member).where(Member.email == email.lower()))
        if member is None:
            raise NotFound(f"No member has the email {email!r}.")
        claim = sign_in.SignInClaim(member.id, member.sign_in_nonce)
    return f"{settings.base_url}/signin/verify?token={sign_in.issue_token(settings.secret_key, claim)}"


def create_chapter(settings: Settings, name: str, organizer_emails: list[str]) -> None:
    community_id = ensure_community(settings)
    with _sessions(settings).begin() as session:
        organizers = list(
            session.scalars(select(Member).where(Member.email.in_([e.lower() for e in organizer_emails])))
        )
        missing = {e.lower() for e in organizer_emails} - {o.email for o in organizers}
        if missing:
            raise NotFound(f"No member has these emails: {', '.join(sorted(missing))}.")
        session.add(Chapter(community_id=community_id, name=name, organizers=organizers))


def create_project(settings: Settings, name: str, repositories: list[str], skills: list[str]) -> None:
    community_id = ensure_community(settings)
    with _sessions(settings).begin() as session:
        session.add(
            Project(community_id=community_id, name=name, repositories=repositories, skills_needed=skills)
        )
