"""Member records as the web app reads and creates them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from api.schemas import MemberFilters, SignupRequest, StepForm
from api.settings import Settings
from domain.errors import Conflict, InvalidField, NotFound
from domain.journey import JourneyInput
from models import Chapter, Event, Member, MemberStatus, Project, ProjectStatus
from workflows.member_journey import MemberJourney

_Record = TypeVar("_Record", Chapter, Project)


async def sign_up(session: AsyncSession, temporal: Client, settings: Settings, req: SignupRequest) -> Member:
    """Create the member and start their journey; on any failure neither is left behind."""
    if req.chapter_id is not None:
        await _require(session, Chapter, req.chapter_id, "chapter_id")
    member = Member(
        email=req.email.lower(),
        display_name=req.display_name,
        chapter_id=req.chapter_id,
        consents={"reminders": req.reminders, "recorded_at": datetime.now(UTC).isoformat()},
    )
    session.add(member)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise Conflict("An account with this email already exists; sign in instead.") from exc
    try:
        await temporal.start_workflow(
            MemberJourney.run,
            JourneyInput(member.id),
            id=settings.journey_id(member.id),
            task_queue=settings.temporal_task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        )
    except Exception:
        await session.delete(member)
        await session.commit()
        raise
    return member


async def by_email(session: AsyncSession, email: str) -> Member | None:
    return await session.scalar(select(Member).where(Member.email == email.lower()))


async def get(session: AsyncSession, member_id: int) -> Member:
    member = await session.get(Member, member_id)
    if member is None:
        raise NotFound(f"There is no member {member_id}.")
    return member


async def list_(session: AsyncSession, filters: MemberFilters, limit: int = 500) -> list[Member]:
    query = select(Member).order_by(Member.last_active_at.desc()).limit(limit)
    if filters.step:
        query = query.where(Member.current_step == filters.step)
    if filters.chapter_id is not None:
        query = query.where(Member.chapter_id == filters.chapter_id)
    if filters.dormant is not None:
        wanted = MemberStatus.DORMANT if filters.dormant else MemberStatus.ACTIVE
        query = query.where(Member.status == wanted)
    return list(await session.scalars(query))


async def timeline(session: AsyncSession, member_id: int, limit: int = 200) -> list[Event]:
    query = (
        select(Event)
        .where(Event.subject_type == "member", Event.subject_id == member_id)
        .order_by(Event.at.desc(), Event.id.desc())
        .limit(limit)
    )
    return list(await session.scalars(query))


async def chapters(session: AsyncSession) -> list[Chapter]:
    return list(await session.scalars(select(Chapter).order_by(Chapter.name)))


async def active_projects(session: AsyncSession) -> list[Project]:
    query = select(Project).where(Project.status == ProjectStatus.ACTIVE).order_by(Project.name)
    return list(await session.scalars(query))


LOGIN_TAKEN = "Another member has linked this GitHub login; if it is yours, ask an organizer."


async def check_step_form(session: AsyncSession, form: StepForm, member_id: int) -> None:
    if form.github_login is not None:
        holder = await session.scalar(
            select(Member.id).where(func.lower(Member.github_login) == form.github_login.strip().lower())
        )
        if holder is not None and holder != member_id:
            raise InvalidField("github_login", LOGIN_TAKEN)
    if form.chapter_id is not None:
        await _require(session, Chapter, form.chapter_id, "chapter_id")
    if form.project_id is not None:
        project = await _require(session, Project, form.project_id, "project_id")
        if project.status is not ProjectStatus.ACTIVE:
            raise InvalidField("project_id", f"'{project.name}' is hibernating; pick an active project.")


async def _require(session: AsyncSession, model: type[_Record], ident: int, field: str) -> _Record:
    record = await session.get(model, ident)
    if record is None:
        raise InvalidField(field, f"There is no {model.__tablename__[:-1]} with id {ident}.")
    return record


async def use_sign_in_link(session: AsyncSession, member_id: int, nonce: int) -> bool:
    """Use up the member's sign-in link in one statement; False if it was used already. Two confirmations
    of one link racing each other (both read the nonce, then both write it) sign in only once."""
    used: CursorResult[tuple[()]] = await session.execute(  # type: ignore[assignment]
        update(Member)
        .where(Member.id == member_id, Member.sign_in_nonce == nonce)
        .values(sign_in_nonce=Member.sign_in_nonce + 1, last_active_at=datetime.now(UTC))
    )
    return used.rowcount == 1
