"""Administrative changes made from the command line, each in one transaction."""

from __future__ import annotations

from sqlalchemy import select, update

from api.html import html_environment
from api.journey_steps import JourneySteps
from api.settings import Environment, Settings
from domain import sign_in
from domain.errors import ConfigError, NotFound
from domain.roles import Role
from models import Chapter, Community, JourneyViewRecord, Member, Project
from models.base import make_engine, session_factory
from models.journey_view import VIEW_JSON
from models.migrate import upgrade


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


def prepare_database(settings: Settings) -> int:
    """What every release runs before it serves: the schema, the community, and the journey steps cooked
    again where an earlier release cooked them. How many it cooked again."""
    upgrade(settings.database_url)
    ensure_community(settings)
    return recook_journey_steps(settings)


def recook_journey_steps(settings: Settings, batch: int = 500) -> int:
    """Cook again the journey steps this release did not cook (api/journey_steps.py); how many it did.
    A batch per transaction, and a row the worker republished meanwhile is left as the worker wrote it."""
    steps, sessions = JourneySteps(html_environment()), _sessions(settings)
    view = JourneyViewRecord
    recooked, after = 0, 0
    while True:
        with sessions.begin() as session:
            rows = session.execute(
                select(view.member_id, view.body, view.html, view.published_at)
                .where(view.member_id > after)
                .order_by(view.member_id)
                .limit(batch)
            ).all()
            for member_id, body, html, published_at in rows:
                if not steps.made(html):
                    done = session.execute(
                        update(view)
                        .where(view.member_id == member_id, view.published_at == published_at)
                        .values(html=steps.cook(VIEW_JSON.validate_json(body)))
                    )
                    recooked += done.rowcount
        if len(rows) < batch:
            return recooked
        after = rows[-1].member_id


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
