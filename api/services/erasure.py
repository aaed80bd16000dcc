"""A member's data: everything kept about them as JSON, and erasure. Erasure ends their running
processes first (so nothing writes their data back), then, in one transaction, removes or
pseudonymizes every personal field: records, ledger payloads, identities, tokens. Ids, kinds and times
stay, so every count, cohort and funnel on the dashboards is the same before and after."""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError

from api.outbox import Outbox
from api.services import access
from api.services.github_events import DRIFT_SUSPECTED
from api.settings import Environment, Settings
from domain.grants import Withdrawal
from domain.roles import Role
from models import (
    AccessGrant,
    ApiToken,
    Base,
    CheckIn,
    DriftRecord,
    Event,
    Member,
    MenteeNeeds,
    MentorProfile,
    Mentorship,
    PairingStatus,
    ReviewItem,
    UnclaimedIdentity,
    Vouch,
)
from models.base import utcnow

# Never part of a download: they would let the holder act, not just read.
SECRET_COLUMNS = {"token_hash", "secret_sealed", "sign_in_nonce"}
# Ledger payload fields that can hold what a person wrote or who they are.
PERSONAL_PAYLOAD = {
    "email", "login", "github_login", "name", "display_name", "statement", "note", "reason", "goals",
    "availability", "answers", "value", "author", "author_email", "message",
}  # fmt: skip
# Columns naming who acted on another member's record (approved their step, decided their grant): a row
# reached only through one of them is that member's, not the actor's; the actor's part is in the ledger.
ACTED_ON_OTHERS = {
    "requested_by_id", "decided_by_id", "confirmed_by_id", "completed_by_id", "resolved_by_id", "set_by_id",
}  # fmt: skip
# Kept to protect other members, so not handed to the member they concern: whom organizers keep apart,
# and what a review suspects (erasure still clears a review's notes on them, see _scrub).
NOT_DOWNLOADED = {"events", "never_pairs", "review_items"}
ERASED = "[erased]"
OPEN_PAIRINGS = (PairingStatus.INTRODUCED, PairingStatus.ACTIVE, PairingStatus.PAUSED)
REASON = "The member's data was erased at their request."


async def download(session: AsyncSession, member_id: int) -> dict[str, Any]:
    """Every row about the member or that they are a party to, table by table, and the ledger entries about
    or by them; not other members' rows they only acted on, nor what the other side of a pairing wrote."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in Base.metadata.sorted_tables:
        columns = [
            c
            for c in table.columns
            if c.name not in ACTED_ON_OTHERS
            and any(fk.column.table.name == "members" for fk in c.foreign_keys)
        ]
        if table.name == "members":
            columns = [table.c.id]
        if columns and table.name not in NOT_DOWNLOADED:
            rows = await session.execute(select(table).where(or_(*(c == member_id for c in columns))))
            tables[table.name] = [_plain(table, row._mapping) for row in rows]
    for pairing in tables["mentorships"]:  # their own feedback only: the other side's is for organizers
        pairing.pop("mentee_feedback" if pairing["mentor_id"] == member_id else "mentor_feedback")
    check_ins = Base.metadata.tables["check_ins"]  # reached through their pairings: their side only
    rows = await session.execute(select(check_ins).where(_their_check_ins(member_id)).order_by(CheckIn.id))
    tables[check_ins.name] = [_plain(check_ins, row._mapping) for row in rows]
    ledger = await session.scalars(
        select(Event).where(or_(_about(member_id), Event.actor_id == member_id)).order_by(Event.id)
    )
    tables["events"] = [
        {"id": e.id, "at": e.at.isoformat(), "kind": e.kind, "subject": f"{e.subject_type}-{e.subject_id}",
         "actor_id": e.actor_id, "payload": e.payload}
        for e in ledger
    ]  # fmt: skip
    return {"member_id": member_id, "exported_at": utcnow().isoformat(), "tables": tables}


async def erase(
    session: AsyncSession, temporal: Client, settings: Settings, member: Member, by: Member
) -> None:
    """End the member's processes, then remove their personal data. Safe to run again."""
    await _end_processes(session, temporal, settings, member, by)
    email = member.email
    await _scrub(session, member)
    session.add(
        Event(kind="member.erased", subject_type="member", subject_id=member.id, actor_id=by.id, at=utcnow(),
              payload={"by_self": by.id == member.id})
    )  # fmt: skip
    await session.commit()
    if settings.environment is not Environment.PRODUCTION and settings.outbox_dir.exists():
        Outbox(settings.outbox_dir).forget(email)  # the development mail sink keeps copies


async def _end_processes(
    session: AsyncSession, temporal: Client, settings: Settings, member: Member, by: Member
) -> None:
    for workflow_id in await access.active_workflows(session, member.id):
        handle = temporal.get_workflow_handle(workflow_id)
        try:  # take GitHub access back through the grant's own path, so the record says why
            await handle.execute_update("withdraw", Withdrawal(by.id, REASON))
        except (WorkflowUpdateFailedError, RPCError):
            await _cancel(temporal, workflow_id)  # nothing held yet (awaiting approval, say)
    pairings = await session.scalars(
        select(Mentorship.id).where(
            or_(Mentorship.mentor_id == member.id, Mentorship.mentee_id == member.id),
            Mentorship.status.in_(OPEN_PAIRINGS),
        )
    )
    for pairing in pairings:
        await _cancel(temporal, f"{settings.workflow_id_prefix}mentorship-{pairing}")
    await _cancel(temporal, settings.journey_id(member.id))


async def _cancel(temporal: Client, workflow_id: str) -> None:
    # Cancellation, not termination: the workflow ends at its next await, its timers cancelled.
    with contextlib.suppress(RPCError):  # already finished, or never started
        await temporal.get_workflow_handle(workflow_id).cancel()


async def _scrub(session: AsyncSession, member: Member) -> None:
    member_id, login = member.id, member.github_login
    member.email = f"erased-{member_id}@erased.invalid"
    member.display_name = "Erased member"
    member.github_login, member.time_zone, member.suspended_reason = None, None, None
    member.skills, member.consents = [], {}
    member.role = Role.MEMBER
    member.sign_in_nonce += 1  # any emailed sign-in link stops working
    member.session_epoch += 1  # and every session, on every device
    member.erased_at = member.erased_at or utcnow()
    for model in (MentorProfile, MenteeNeeds):
        await session.execute(delete(model).where(model.member_id == member_id))
    party = or_(Vouch.voucher_id == member_id, Vouch.vouchee_id == member_id)
    await session.execute(update(Vouch).where(party).values(statement=ERASED))
    await session.execute(update(ReviewItem).where(ReviewItem.member_id == member_id).values(note=None))
    identities = await session.scalars(
        select(UnclaimedIdentity).where(UnclaimedIdentity.claimed_by_id == member_id)
    )
    for identity in identities:
        identity.value = f"erased-{identity.id}"
    await _scrub_mentorships(session, member_id)
    await session.execute(  # what maintainers wrote deciding their grants; the erasure's own reason stays
        update(AccessGrant)
        .where(AccessGrant.member_id == member_id, ~AccessGrant.reason.contains(REASON))
        .values(reason=ERASED)
    )
    if login:
        await _scrub_login(session, login)
    await session.execute(
        update(ApiToken).where(ApiToken.owner_id == member_id).values(name=ERASED, revoked_at=utcnow())
    )
    events = await session.scalars(select(Event).where(or_(_about(member_id), Event.actor_id == member_id)))
    for event in events:
        if PERSONAL_PAYLOAD & event.payload.keys():
            event.payload = {k: (ERASED if k in PERSONAL_PAYLOAD else v) for k, v in event.payload.items()}


async def _scrub_mentorships(session: AsyncSession, member_id: int) -> None:
    await session.execute(update(CheckIn).where(_their_check_ins(member_id)).values(answers={}))
    for column, feedback in (
        (Mentorship.mentor_id, "mentor_feedback"),
        (Mentorship.mentee_id, "mentee_feedback"),
    ):
        await session.execute(
            update(Mentorship).where(column == member_id).values({feedback: None, "end_reason": None})
        )
        await session.execute(  # their workflows were cancelled above; the record says the pairing ended
            update(Mentorship)
            .where(column == member_id, Mentorship.status.in_(OPEN_PAIRINGS))
            .values(status=PairingStatus.ENDED, ended_at=utcnow())
        )


def _their_check_ins(member_id: int) -> Any:
    """The check-ins the member answered or owes: their side of each of their pairings."""
    mentoring = select(Mentorship.id).where(Mentorship.mentor_id == member_id)
    mentored = select(Mentorship.id).where(Mentorship.mentee_id == member_id)
    return or_(
        (CheckIn.side == "mentor") & CheckIn.mentorship_id.in_(mentoring),
        (CheckIn.side == "mentee") & CheckIn.mentorship_id.in_(mentored),
    )


async def _scrub_login(session: AsyncSession, login: str) -> None:
    """Their GitHub login where it sits outside their own rows: drift warnings and reconcile reports."""
    name = re.compile(rf"(?<![\w-]){re.escape(login)}(?![\w-])", re.IGNORECASE)  # logins: letters, digits, -
    for event in await session.scalars(select(Event).where(Event.kind == DRIFT_SUSPECTED)):
        if name.fullmatch(str(event.payload.get("login", ""))):
            event.payload = {**event.payload, "login": ERASED}
    for record in await session.scalars(select(DriftRecord)):
        report, fixes = _redacted(record.report, name), _redacted(record.fixes, name)
        if (report, fixes) != (record.report, record.fixes):
            record.report, record.fixes = report, fixes


def _redacted(value: Any, name: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return name.sub(ERASED, value)
    if isinstance(value, list):
        return [_redacted(v, name) for v in value]
    if isinstance(value, dict):
        return {k: _redacted(v, name) for k, v in value.items()}
    return value


def _about(member_id: int) -> Any:
    return (Event.subject_type == "member") & (Event.subject_id == member_id)


def _plain(table: Table, row: Any) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, datetime | date) else getattr(value, "value", value)
        for key, value in row.items()
        if key not in SECRET_COLUMNS and key in table.c
    }
