"""Members and contributions in and out as CSV. An import is checked whole before anything is written,
and written in one transaction: every bad row is reported with its line, and a file with any bad row
changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from domain import transfer
from domain.contributions import LEDGER_PREFIX, ContributionKind
from domain.transfer import EventRow, MemberRow, RowError
from models import Chapter, Event, Member
from models.base import utcnow

CHUNK = 1000  # rows per IN (...) lookup: well under SQLite's limit on bound parameters
CONTRIBUTION_KEY = "contribution/"  # the idempotency key an external id becomes (services/contributions)


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    created: int = 0
    unchanged: int = 0  # already here (same email, or same external id): nothing to do
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    touched_member_ids: set[int] = field(default_factory=set)

    @property
    def written(self) -> bool:
        return not self.errors and not self.dry_run


async def import_members(session: AsyncSession, text: str, by: Member, *, dry_run: bool) -> ImportReport:
    parsed = transfer.parse(text, MemberRow, transfer.MEMBER_ALIASES)
    report = ImportReport(
        dry_run, len(parsed.rows), errors=parsed.errors, ignored_columns=parsed.ignored_columns
    )
    chapters = {c.name.lower(): c.id for c in await session.scalars(select(Chapter))}
    known = await _existing(session, Member.email, [r.email.lower() for _, r in parsed.rows])
    logins = await _existing(
        session, Member.github_login, [r.github_login for _, r in parsed.rows if r.github_login]
    )
    seen: dict[str, int] = {}
    new: list[Member] = []
    for line, row in parsed.rows:
        email = row.email.lower()
        if email in seen:
            report.errors.append(RowError(line, "email", f"The same email is on line {seen[email]}."))
            continue
        seen[email] = line
        if email in known:
            report.unchanged += 1
            continue
        problems = _member_problems(line, row, chapters, logins)
        report.errors.extend(problems)
        if not problems and row.name:
            logins.add(row.github_login or "")
            new.append(_member(row, chapters))
    if report.errors or dry_run:
        report.created = len(new) if not report.errors else 0
        return report
    session.add_all(new)
    await session.flush()
    session.add_all(_audit(m.id, "member.imported", by) for m in new)
    return await _commit(session, report, len(new))


async def import_events(
    session: AsyncSession, text: str, by: Member, *, default_kind: ContributionKind | None, dry_run: bool
) -> ImportReport:
    defaults = {"kind": default_kind.value} if default_kind else {}
    parsed = transfer.parse(text, EventRow, transfer.EVENT_ALIASES, defaults)
    report = ImportReport(
        dry_run, len(parsed.rows), errors=parsed.errors, ignored_columns=parsed.ignored_columns
    )
    members = await _ids_by_email(session, [r.email.lower() for _, r in parsed.rows])
    keys = [CONTRIBUTION_KEY + r.external_id for _, r in parsed.rows if r.external_id]
    recorded = await _existing(session, Event.idempotency_key, keys)
    now, seen, new = utcnow(), dict[str, int](), list[Event]()
    for line, row in parsed.rows:
        member_id = members.get(row.email.lower())
        if member_id is None:
            report.errors.append(RowError(line, "email", "No member has this email; import them first."))
            continue
        if row.occurred_at > now + timedelta(minutes=5):
            report.errors.append(RowError(line, "occurred_at", "A contribution cannot be in the future."))
            continue
        key = CONTRIBUTION_KEY + row.external_id if row.external_id else None
        if key and key in seen:
            report.errors.append(RowError(line, "external_id", f"The same id is on line {seen[key]}."))
            continue
        if key:
            seen[key] = line
        if key in recorded:
            report.unchanged += 1
            continue
        new.append(_contribution(member_id, row, key, by))
        report.touched_member_ids.add(member_id)
    if report.errors or dry_run:
        report.created = len(new) if not report.errors else 0
        return report
    session.add_all(new)
    return await _commit(session, report, len(new))


async def member_lines(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[str]:
    query = (
        select(Member, Chapter.name).outerjoin(Chapter, Chapter.id == Member.chapter_id).order_by(Member.id)
    )
    async with sessions() as session:
        rows = []
        for member, chapter in await session.execute(query):
            first, last = transfer.split_name(member.display_name)
            rows.append(
                {
                    **{c: getattr(member, c, None) for c in transfer.MEMBER_COLUMNS},
                    "first_name": first,
                    "last_name": last,
                    "chapter": chapter,
                    "skills": ";".join(member.skills),
                    "role": member.role.value,
                    "status": member.status.value,
                    "email_opt_in": "true" if member.consented_to("reminders") else "false",
                }
            )
    for line in transfer.csv_text(transfer.MEMBER_COLUMNS, rows):
        yield line


async def contribution_lines(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[str]:
    query = (
        select(Event, Member.email)
        .join(Member, Member.id == Event.subject_id)
        .where(Event.subject_type == "member", Event.kind.startswith(LEDGER_PREFIX))
        .order_by(Event.id)
    )
    async with sessions() as session:
        rows = [
            {
                "email": email,
                "kind": event.kind.removeprefix(LEDGER_PREFIX),
                "occurred_at": event.at,
                "ref": event.payload.get("ref"),
                "external_id": (event.idempotency_key or "").removeprefix(CONTRIBUTION_KEY) or None,
                "member_id": event.subject_id,
                "event_id": event.id,
                "recorded_by": event.payload.get("recorded_by"),
            }
            for event, email in await session.execute(query)
        ]
    for line in transfer.csv_text(transfer.EVENT_COLUMNS, rows):
        yield line


def _member_problems(line: int, row: MemberRow, chapters: dict[str, int], logins: set[str]) -> list[RowError]:
    problems = []
    if not row.name:
        problems.append(
            RowError(line, "display_name", "Give a name: display_name, or first_name and last_name.")
        )
    if row.chapter and row.chapter.lower() not in chapters:
        problems.append(RowError(line, "chapter", f"There is no chapter '{row.chapter}'; add it first."))
    if row.github_login and row.github_login in logins:
        problems.append(RowError(line, "github_login", f"'{row.github_login}' belongs to another member."))
    return problems


def _member(row: MemberRow, chapters: dict[str, int]) -> Member:
    consents = {"reminders": row.email_opt_in, "recorded_at": utcnow().isoformat(), "source": "import"}
    return Member(
        email=row.email.lower(),
        display_name=row.name or "",
        chapter_id=chapters.get(row.chapter.lower()) if row.chapter else None,
        skills=row.skills,
        github_login=row.github_login,
        time_zone=row.time_zone,
        consents=consents,
    )


def _contribution(member_id: int, row: EventRow, key: str | None, by: Member) -> Event:
    payload: dict[str, object] = {"recorded_by": by.id, "source": "csv"}
    if row.ref:
        payload["ref"] = row.ref
    return Event(
        kind=row.kind.ledger_kind,
        subject_type="member",
        subject_id=member_id,
        actor_id=member_id,
        at=row.occurred_at,
        payload=payload,
        idempotency_key=key,
    )


def _audit(member_id: int, kind: str, by: Member) -> Event:
    return Event(
        kind=kind,
        subject_type="member",
        subject_id=member_id,
        actor_id=by.id,
        at=utcnow(),
        payload={"source": "csv"},
    )


async def _commit(session: AsyncSession, report: ImportReport, created: int) -> ImportReport:
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        report.errors.append(
            RowError(
                0, "file", "Someone changed the same records meanwhile; nothing was imported. Try again."
            )
        )
        return report
    report.created = created
    return report


async def _existing(
    session: AsyncSession, column: InstrumentedAttribute[Any], values: Iterable[str]
) -> set[str]:
    found: set[str] = set()
    wanted = sorted(set(values))
    for start in range(0, len(wanted), CHUNK):
        found.update(await session.scalars(select(column).where(column.in_(wanted[start : start + CHUNK]))))
    return found


async def _ids_by_email(session: AsyncSession, emails: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    wanted = sorted(set(emails))
    for start in range(0, len(wanted), CHUNK):
        rows = await session.execute(
            select(Member.email, Member.id).where(Member.email.in_(wanted[start : start + CHUNK]))
        )
        found.update({email: member_id for email, member_id in rows})
    return found
