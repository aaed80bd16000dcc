"""Mentoring as the web app sees it: profiles and needs, proposals from the matcher, confirming them
(each confirmed pairing starts its Mentorship workflow), and the load and pairing views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from api.services import journeys
from api.settings import Settings
from domain import matching
from domain.errors import InvalidField, NotFound, Rejected
from domain.mentorship import MentorshipInput
from models import (
    Chapter,
    CheckIn,
    Member,
    MenteeNeeds,
    MentorProfile,
    Mentorship,
    NeverPair,
    PairingStatus,
    Project,
)
from models.base import utcnow
from workflows.mentorship import Mentorship as MentorshipWorkflow

OPEN = (PairingStatus.INTRODUCED, PairingStatus.ACTIVE, PairingStatus.PAUSED)


async def proposals(session: AsyncSession) -> list[matching.Proposal]:
    """A dry run over every mentee with needs and no open pairing, against the free mentor places."""
    load = await _load(session)
    profiles = list(await session.scalars(select(MentorProfile).where(MentorProfile.active.is_(True))))
    needs = list(await session.scalars(select(MenteeNeeds)))
    ids = {p.member_id for p in profiles} | {n.member_id for n in needs}
    people = {m.id: m for m in await session.scalars(select(Member).where(Member.id.in_(ids)))}
    chapters, projects = await _affiliations(session, ids)
    mentors = [
        matching.Mentor(
            str(p.member_id),
            tuple(p.skills),
            max(p.capacity - load.get(p.member_id, 0), 0),
            p.time_zone,
            tuple(p.languages),
            tuple(sorted(chapters[p.member_id])),
            tuple(sorted(projects[p.member_id])),
        )
        for p in profiles
    ]
    paired = set(await session.scalars(select(Mentorship.mentee_id).where(Mentorship.status.in_(OPEN))))
    mentees = [
        matching.Mentee(
            str(n.member_id),
            tuple(n.skills_wanted),
            n.time_zone,
            tuple(n.languages),
            _id(people[n.member_id].chapter_id),
            _id(people[n.member_id].project_id),
        )
        for n in needs
        if n.member_id not in paired and n.member_id in people
    ]
    never = frozenset(
        (str(mentee), str(mentor))
        for mentor, mentee in (await session.execute(select(NeverPair.mentor_id, NeverPair.mentee_id))).all()
    )
    return matching.match(mentors, mentees, matching.Constraints(never=never)) if mentees else []


async def _affiliations(
    session: AsyncSession, ids: set[int]
) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """Each person's chapters and projects: their own, and those they organize or maintain."""
    chapters: dict[int, set[str]] = {i: set() for i in ids}
    projects: dict[int, set[str]] = {i: set() for i in ids}
    for member in await session.scalars(select(Member).where(Member.id.in_(ids))):
        if member.chapter_id is not None:
            chapters[member.id].add(str(member.chapter_id))
        if member.project_id is not None:
            projects[member.id].add(str(member.project_id))
    for chapter in await session.scalars(select(Chapter)):
        for organizer in chapter.organizers:
            chapters.setdefault(organizer.id, set()).add(str(chapter.id))
    for project in await session.scalars(select(Project)):
        for maintainer in project.maintainers:
            projects.setdefault(maintainer.id, set()).add(str(project.id))
    return chapters, projects


def _id(value: int | None) -> str | None:
    return None if value is None else str(value)


async def never_pair(session: AsyncSession, mentor_id: int, mentee_id: int, by_id: int) -> None:
    """Never propose these two again; an existing rule is kept as it is."""
    await _require_members(session, "mentor_id", mentor_id)
    await _require_members(session, "mentee_id", mentee_id)
    exists = await session.scalar(
        select(NeverPair.id).where(NeverPair.mentor_id == mentor_id, NeverPair.mentee_id == mentee_id)
    )
    if exists is None:
        session.add(NeverPair(mentor_id=mentor_id, mentee_id=mentee_id, set_by_id=by_id, created_at=utcnow()))
        await session.commit()


async def confirm(
    session: AsyncSession, temporal: Client, settings: Settings, pairs: list[tuple[int, int]], by_id: int
) -> list[int]:
    """Record the confirmed pairs and start a Mentorship for each; returns the new pairing ids."""
    await _require_members(session, "pairs", *(member_id for pair in pairs for member_id in pair))
    by_mentee = {str(p.mentee): p for p in await proposals(session)}
    created = []
    for mentee_id, mentor_id in pairs:
        if mentee_id == mentor_id:
            raise InvalidField("pairs", f"Member {mentee_id} cannot mentor themselves.")
        if await session.scalar(select(MentorProfile.id).where(MentorProfile.member_id == mentor_id)) is None:
            raise InvalidField("pairs", f"Member {mentor_id} has no mentor profile.")
        proposal = by_mentee.get(str(mentee_id))
        chosen = proposal is not None and proposal.mentor == str(mentor_id)
        pairing = Mentorship(
            mentor_id=mentor_id,
            mentee_id=mentee_id,
            status=PairingStatus.INTRODUCED,
            created_at=utcnow(),
            score=proposal.score if chosen and proposal else 0.0,
            reasons=list(proposal.reasons) if chosen and proposal else ["organizer's choice"],
            confirmed_by_id=by_id,
        )
        session.add(pairing)
        await session.flush()
        created.append(pairing)
    await session.commit()
    for pairing in created:
        await temporal.start_workflow(
            MentorshipWorkflow.run,
            MentorshipInput(pairing.id, pairing.mentor_id, pairing.mentee_id, settings.policy.mentorship),
            id=f"{settings.workflow_id_prefix}mentorship-{pairing.id}",
            task_queue=settings.temporal_task_queue,
        )
    return [p.id for p in created]


@dataclass(frozen=True)
class CheckInSaid:
    mentorship_id: int
    side: str
    round: int
    went_well: str
    blocked_on: str
    at: datetime


@dataclass(frozen=True)
class PairingView:
    id: int
    mentor_id: int
    mentee_id: int
    other_name: str  # the mentee's name for their mentor, and the mentor's for their mentee
    status: str
    next_check_in_at: datetime | None
    overdue: bool
    workflow_id: str
    their_last_check_in: CheckInSaid | None = None  # what the other side said at their latest check-in


async def pairings_of(
    session: AsyncSession, settings: Settings, member_id: int
) -> dict[str, list[PairingView]]:
    pairings, people = await pairings_with_names(session, member_id)
    now = utcnow()
    views: dict[str, list[PairingView]] = {"mentoring": [], "mentored_by": []}
    said = {(c.mentorship_id, c.side): c for c in await answered_check_ins(session, [p.id for p in pairings])}
    for p in pairings:
        other, other_side = (p.mentee_id, "mentee") if p.mentor_id == member_id else (p.mentor_id, "mentor")
        view = PairingView(
            p.id,
            p.mentor_id,
            p.mentee_id,
            people.get(other, ""),
            p.status.value,
            p.next_check_in_at,
            p.next_check_in_at is not None and p.next_check_in_at < now,
            f"{settings.workflow_id_prefix}mentorship-{p.id}",
            said.get((p.id, other_side)),
        )
        views["mentoring" if p.mentor_id == member_id else "mentored_by"].append(view)
    return views


async def pairings_with_names(
    session: AsyncSession, member_id: int
) -> tuple[list[Mentorship], dict[int, str]]:
    """The member's pairings, newest first, and the display name of everyone in them."""
    pairings = list(
        await session.scalars(
            select(Mentorship)
            .where((Mentorship.mentor_id == member_id) | (Mentorship.mentee_id == member_id))
            .order_by(Mentorship.created_at.desc())
        )
    )
    ids = {p.mentor_id for p in pairings} | {p.mentee_id for p in pairings}
    people = {m.id: m.display_name for m in await session.scalars(select(Member).where(Member.id.in_(ids)))}
    return pairings, people


async def answered_check_ins(session: AsyncSession, pairing_ids: list[int]) -> list[CheckInSaid]:
    """What each side said at each check-in, round by round; answers scrubbed by an erasure are left out."""
    rows = await session.scalars(
        select(CheckIn)
        .where(CheckIn.mentorship_id.in_(pairing_ids), CheckIn.submitted_at.is_not(None))
        .order_by(CheckIn.mentorship_id, CheckIn.round, CheckIn.side)
    )
    return [
        CheckInSaid(
            c.mentorship_id,
            c.side,
            c.round,
            c.answers["went_well"],
            c.answers.get("blocked_on", ""),
            c.submitted_at,
        )
        for c in rows
        if c.answers and c.submitted_at is not None
    ]


async def get(session: AsyncSession, mentorship_id: int) -> Mentorship:
    pairing = await session.get(Mentorship, mentorship_id)
    if pairing is None:
        raise NotFound(f"There is no mentorship {mentorship_id}.")
    return pairing


async def save_profile(session: AsyncSession, member_id: int, values: dict[str, Any]) -> MentorProfile:
    return await _upsert(session, MentorProfile, member_id, values)


async def save_needs(session: AsyncSession, member_id: int, values: dict[str, Any]) -> MenteeNeeds:
    return await _upsert(session, MenteeNeeds, member_id, values)


_Record = TypeVar("_Record", MentorProfile, MenteeNeeds)


async def _upsert(
    session: AsyncSession, model: type[_Record], member_id: int, values: dict[str, Any]
) -> _Record:
    """The member's one record of this kind, created or updated with `values`."""
    record = await session.scalar(select(model).where(model.member_id == member_id)) or model(
        member_id=member_id
    )
    for name, value in values.items():
        setattr(record, name, value)
    session.add(record)
    await session.commit()
    return record


async def _load(session: AsyncSession) -> dict[int, int]:
    rows = await session.execute(
        select(Mentorship.mentor_id, func.count())
        .where(Mentorship.status.in_(OPEN))
        .group_by(Mentorship.mentor_id)
    )
    return {mentor: count for mentor, count in rows.all()}


async def act(temporal: Client, settings: Settings, mentorship_id: int, update: Any, arg: object) -> Any:
    """Send an update to the pairing's workflow; a refusal becomes Rejected with the workflow's reason."""
    handle = temporal.get_workflow_handle(f"{settings.workflow_id_prefix}mentorship-{mentorship_id}")
    try:
        return await handle.execute_update(update, arg)
    except WorkflowUpdateFailedError as exc:
        raise journeys.rejected(exc) from exc
    except RPCError as exc:
        if exc.status is RPCStatusCode.NOT_FOUND:  # its workflow has finished: graduated, ended, reassigned
            raise Rejected(f"Mentorship {mentorship_id} has ended; there is nothing left to change.") from exc
        raise


async def _require_members(session: AsyncSession, field: str, *ids: int) -> None:
    found = set(await session.scalars(select(Member.id).where(Member.id.in_(ids))))
    for member_id in ids:
        if member_id not in found:
            raise InvalidField(field, f"There is no member {member_id}.")
