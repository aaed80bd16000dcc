"""Finding who could vouch for a member: people with evidence of shared work who may vouch now."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.services import vouching as vouching_service
from api.settings import Settings
from domain import contributions, sponsors, vouching
from domain.vouching import Vouch as VouchFact
from models import Chapter, Event, Member, Project, Vouch
from models.base import utcnow

LOOK_BACK = timedelta(days=730)


async def suggestions(session: AsyncSession, settings: Settings, member: Member) -> list[sponsors.Suggestion]:
    now = utcnow()
    evidence = await _shared_work(session, member)
    people = {m.id: m for m in await session.scalars(select(Member).where(Member.id.in_(evidence)))}
    candidates = []
    for person_id, found in evidence.items():
        person = people.get(person_id)
        if person is None or person.id == member.id:
            continue
        facts = await vouching_service.voucher_facts(session, settings, person, now)
        refusal = vouching.voucher_refusal(
            facts, settings.policy.vouching, vouching_service.level_names(settings)
        )
        candidates.append(
            sponsors.Candidate(
                person.id, person.display_name, person.chapter_id, tuple(sorted(found)), refusal
            )
        )
    return sponsors.suggest(candidates, await _vouches_for(session, member.id), settings.policy.vouching)


async def _shared_work(session: AsyncSession, member: Member) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    if member.project_id is not None:
        project = await session.get(Project, member.project_id)
        name = project.name if project else "your project"
        for other in await session.scalars(select(Member.id).where(Member.project_id == member.project_id)):
            found[other].add(f"works on {name} too")
    if member.chapter_id is not None:
        chapter = await session.get(Chapter, member.chapter_id)
        for organizer in chapter.organizers if chapter else []:
            found[organizer.id].add(f"organizes {chapter.name if chapter else 'your chapter'}")
    since = utcnow() - LOOK_BACK
    events = await session.scalars(
        select(Event).where(Event.kind.startswith(contributions.LEDGER_PREFIX), Event.at >= since)
    )
    refs_by_member: dict[int, set[str]] = defaultdict(set)
    for event in events:
        ref, counterpart = event.payload.get("ref"), event.payload.get("counterpart_id")
        if ref:
            refs_by_member[event.subject_id].add(str(ref))
        label = contributions.kind_of(event.kind)
        if counterpart == member.id and label is not None:
            found[event.subject_id].add(f"{label.value.replace('_', ' ')} with you")
        elif event.subject_id == member.id and isinstance(counterpart, int) and label is not None:
            found[counterpart].add(f"you did a {label.value.replace('_', ' ')} with them")
    for ref in refs_by_member.get(member.id, set()):
        for other, refs in refs_by_member.items():
            if ref in refs and other != member.id:
                found[other].add(f"also took part in {ref}")
    return found


async def _vouches_for(session: AsyncSession, member_id: int) -> list[VouchFact]:
    rows = await session.execute(
        select(Vouch, Member.chapter_id)
        .join(Member, Member.id == Vouch.voucher_id)
        .where(Vouch.vouchee_id == member_id, Vouch.revoked_at.is_(None))
    )
    return [VouchFact(v.voucher_id, chapter_id, v.relation) for v, chapter_id in rows]
