"""Database activities for the member journey. Each writes the record in one transaction, once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import ledger
from activities.contracts import (
    PublishView,
    RecordRevocation,
    RecordSignup,
    RecordStatus,
    RecordStep,
    RecordVouch,
)
from activities.telemetry import STEPS_RECORDED
from domain.journey import JourneyView
from domain.policy import CommunityPolicy, Playbook, ProfileField
from domain.vouching import Relation
from models import Chapter, JourneyViewRecord, Member, MemberStatus, MenteeNeeds, Project, StepProgress, Vouch
from models.journey_view import VIEW_JSON
from models.rollup_build import upsert

_Record = TypeVar("_Record", Chapter, Project)


class JourneyStore:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        policy: CommunityPolicy,
        cook_steps: Callable[[JourneyView], str],
    ) -> None:
        self._sessions = sessions
        self._policy = policy
        self._cook_steps = cook_steps  # the journey page's steps as HTML (api/journey_steps.py)

    @activity.defn
    def start_journey(self, req: RecordSignup) -> Playbook:
        """Record the signup and hand the workflow the playbook it will follow."""
        playbook = self._policy.playbook
        with self._sessions.begin() as session:
            if ledger.already_recorded(session, req.key):
                return playbook
            member = get_member(session, req.member_id)
            member.current_step = playbook.steps[0].id
            ledger.append(
                session,
                key=req.key,
                kind="member.signed_up",
                subject_id=member.id,
                actor_id=member.id,
                at=req.at,
            )
        return playbook

    @activity.defn
    def record_step(self, req: RecordStep) -> None:
        with self._sessions.begin() as session:
            if ledger.already_recorded(session, req.key):
                return
            member = get_member(session, req.member_id)
            changed = _apply_form(session, member, req.form)
            session.add(
                StepProgress(
                    member_id=member.id,
                    step_id=req.step_id,
                    completed_at=req.at,
                    completed_by_id=req.actor_id,
                )
            )
            member.current_step = req.next_step_id
            member.last_active_at = max(member.last_active_at, req.at)
            ledger.append(
                session,
                key=req.key,
                kind="journey.step_completed",
                subject_id=member.id,
                actor_id=req.actor_id,
                at=req.at,
                payload={"step": req.step_id, "by": req.by, "fields": sorted(changed)},
            )
        STEPS_RECORDED.labels(req.step_id).inc()  # after the commit: a rolled-back step is not counted

    @activity.defn
    def publish_view(self, req: PublishView) -> None:
        """Write the journey's view to its read-side row, unless a newer one is already there."""
        row = {  # encoded and cooked before the transaction, which need not wait on them
            "member_id": req.view.member_id,
            "body": VIEW_JSON.dump_json(req.view).decode(),
            "html": self._cook_steps(req.view),
            "published_at": req.at,
        }
        with self._sessions.begin() as session:
            if session.get(Member, req.view.member_id) is None:
                return  # the member record is gone; there is no page left to serve
            conn = session.connection()
            statement = upsert(conn, JourneyViewRecord).values(**row)
            conn.execute(
                statement.on_conflict_do_update(
                    index_elements=["member_id"],
                    set_={column: statement.excluded[column] for column in row if column != "member_id"},
                    where=JourneyViewRecord.published_at <= statement.excluded.published_at,
                )
            )

    @activity.defn
    def record_vouch(self, req: RecordVouch) -> None:
        with self._sessions.begin() as session:
            if ledger.already_recorded(session, req.key):
                return
            since = req.at - timedelta(days=30)
            given = session.scalar(
                select(func.count(Vouch.id)).where(
                    Vouch.voucher_id == req.voucher_id, Vouch.created_at >= since
                )
            )
            if (given or 0) >= req.budget:
                raise ApplicationError(
                    f"You have used your {req.budget} vouches for the last 30 days; try again later.",
                    type="Rejected",
                    non_retryable=True,
                )
            if session.scalar(
                select(Vouch.id).where(Vouch.voucher_id == req.voucher_id, Vouch.vouchee_id == req.vouchee_id)
            ):
                raise ApplicationError(
                    "You have already vouched for this member.", type="Rejected", non_retryable=True
                )
            session.add(
                Vouch(
                    voucher_id=req.voucher_id,
                    vouchee_id=req.vouchee_id,
                    statement=req.statement,
                    relation=Relation(req.relation),
                    created_at=req.at,
                    expires_at=req.expires_at,
                )
            )
            ledger.append(
                session,
                key=req.key,
                kind="vouch.given",
                subject_id=req.vouchee_id,
                actor_id=req.voucher_id,
                at=req.at,
                payload={"relation": req.relation},
            )

    @activity.defn
    def revoke_vouch(self, req: RecordRevocation) -> None:
        with self._sessions.begin() as session:
            if ledger.already_recorded(session, req.key):
                return
            active = select(Vouch).where(
                Vouch.voucher_id == req.voucher_id,
                Vouch.vouchee_id == req.vouchee_id,
                Vouch.revoked_at.is_(None),
            )
            vouch = session.scalar(active)
            if vouch is None:
                raise ApplicationError(
                    "You have no vouch for this member to revoke.", type="Rejected", non_retryable=True
                )
            vouch.revoked_at = req.at
            ledger.append(
                session,
                key=req.key,
                kind="vouch.revoked",
                subject_id=req.vouchee_id,
                actor_id=req.voucher_id,
                at=req.at,
            )

    @activity.defn
    def mark_dormant(self, req: RecordStatus) -> None:
        self._set_status(req, MemberStatus.DORMANT, "member.dormant", {"idle_days": req.idle_days})

    @activity.defn
    def mark_returned(self, req: RecordStatus) -> None:
        self._set_status(req, MemberStatus.ACTIVE, "member.returned", {})

    def _set_status(
        self, req: RecordStatus, status: MemberStatus, kind: str, payload: dict[str, Any]
    ) -> None:
        with self._sessions.begin() as session:
            if ledger.already_recorded(session, req.key):
                return
            member = get_member(session, req.member_id)
            member.status = status
            ledger.append(session, key=req.key, kind=kind, subject_id=member.id, at=req.at, payload=payload)


def get_member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise ApplicationError(f"member {member_id} does not exist", type="NotFound", non_retryable=True)
    return member


def _apply_form(session: Session, member: Member, form: dict[str, str]) -> set[str]:
    """Copy validated form fields onto the member; references must name existing records."""
    for name, value in form.items():
        match ProfileField(name):
            case ProfileField.DISPLAY_NAME:
                member.display_name = value.strip()
            case ProfileField.TIME_ZONE:
                member.time_zone = value.strip()
            case ProfileField.SKILLS:
                member.skills = [s.strip() for s in value.split(",") if s.strip()]
            case ProfileField.GITHUB_LOGIN:
                member.github_login = _unheld_login(session, member, value.strip())
            case ProfileField.CHAPTER_ID:
                member.chapter_id = _existing(session, Chapter, value).id
            case ProfileField.PROJECT_ID:
                member.project_id = _existing(session, Project, value).id
            case ProfileField.SKILLS_WANTED | ProfileField.GOALS | ProfileField.LANGUAGES:
                column, stored = _need(name, value)
                setattr(_needs(session, member), column, stored)
    return set(form)


def _needs(session: Session, member: Member) -> MenteeNeeds:
    needs = session.scalar(select(MenteeNeeds).where(MenteeNeeds.member_id == member.id))
    if needs is None:
        needs = MenteeNeeds(member_id=member.id, time_zone=member.time_zone or "UTC", languages=["en"])
        session.add(needs)
    return needs


def _need(name: str, value: str) -> tuple[str, object]:
    """A form field as the MenteeNeeds column it fills; lists are separated by commas or semicolons."""
    items = [v.strip().lower() for v in value.replace(";", ",").split(",") if v.strip()]
    return {"skills_wanted": ("skills_wanted", items), "languages": ("languages", items)}.get(
        name, ("goals", value.strip())
    )


def _unheld_login(session: Session, member: Member, login: str) -> str:
    """The web checks this before the step is sent; checked again here in case another member linked the
    same login since, which would otherwise fail on the unique index at every retry."""
    holder = session.scalar(select(Member.id).where(func.lower(Member.github_login) == login.lower()))
    if holder is not None and holder != member.id:
        raise ApplicationError(
            "Another member has linked this GitHub login; if it is yours, ask an organizer.",
            type="Rejected",
            non_retryable=True,
        )
    return login


def _existing(session: Session, model: type[_Record], value: str) -> _Record:
    record = session.get(model, int(value)) if value.isdigit() else None
    if record is None:
        raise ApplicationError(
            f"{model.__tablename__[:-1]} {value!r} does not exist", type="NotFound", non_retryable=True
        )
    return record
