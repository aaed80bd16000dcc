"""Mentorship records, each write in one transaction and once per key: the pairing's status, check-ins
(a mentor's answered check-in counts as a mentoring contribution), milestones, re-matching and email."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import ledger
from activities.mail import Mailer, organizers_for
from activities.mentorship_contracts import (
    CheckInAnswered,
    CheckInRound,
    FeedbackGiven,
    MentorshipNotice,
    MilestoneQuery,
    PairingEvent,
    Rematched,
)
from activities.store import get_member
from domain import matching
from domain.contributions import ContributionKind
from models import CheckIn, Event, MenteeNeeds, MentorProfile, Mentorship, PairingStatus

ENDED = {PairingStatus.GRADUATED, PairingStatus.ENDED, PairingStatus.NOT_ACCEPTED, PairingStatus.REASSIGNED}
OPEN = (PairingStatus.INTRODUCED, PairingStatus.ACTIVE, PairingStatus.PAUSED)
MILESTONES = {
    ContributionKind.PR_MERGED: "first merged pull request",
    ContributionKind.REVIEW: "first review",
}
TO_ORGANIZERS = {"missed_alert", "no_mentor_left"}


class MentorshipStore:
    def __init__(self, sessions: sessionmaker[Session], mailer: Mailer) -> None:
        self._sessions = sessions
        self._mailer = mailer

    @activity.defn
    def record_pairing(self, req: PairingEvent) -> None:
        with self._sessions.begin() as session:
            if ledger.already_recorded(session, req.key):
                return
            pairing = _pairing(session, req.mentorship_id)
            status = PairingStatus(req.status)
            pairing.status = status
            if status is PairingStatus.ACTIVE and pairing.accepted_at is None:
                pairing.accepted_at = req.at
            if status in ENDED:
                pairing.ended_at, pairing.end_reason, pairing.next_check_in_at = (
                    req.at,
                    req.reason[:500],
                    None,
                )
            _log(session, req.key, f"mentorship.{status.value}", pairing, req.at, reason=req.reason)

    @activity.defn
    def open_check_in(self, req: CheckInRound) -> None:
        with self._sessions.begin() as session:
            if ledger.already_recorded(session, req.key):
                return
            pairing = _pairing(session, req.mentorship_id)
            for side in ("mentor", "mentee"):
                session.add(CheckIn(mentorship_id=pairing.id, round=req.round, side=side, due_at=req.due_at))
            pairing.next_check_in_at = req.due_at
            _log(session, req.key, "mentorship.check_in_opened", pairing, req.at, round=req.round)

    @activity.defn
    def record_check_in_answer(self, req: CheckInAnswered) -> None:
        with self._sessions.begin() as session:
            row = session.scalar(
                select(CheckIn).where(
                    CheckIn.mentorship_id == req.mentorship_id,
                    CheckIn.round == req.round,
                    CheckIn.side == req.side,
                )
            )
            if row is None:  # the workflow waits for the round's rows before it asks
                raise ApplicationError(
                    f"mentorship {req.mentorship_id} has no {req.side} check-in for round {req.round}",
                    non_retryable=True,
                )
            row.answers = {"went_well": req.went_well, "blocked_on": req.blocked_on}
            row.submitted_at = req.at

    @activity.defn
    def record_feedback(self, req: FeedbackGiven) -> None:
        with self._sessions.begin() as session:
            pairing = _pairing(session, req.mentorship_id)
            if req.side == "mentor":
                pairing.mentor_feedback = req.text
            else:
                pairing.mentee_feedback = req.text

    @activity.defn
    def close_check_in(self, req: CheckInRound) -> int:
        with self._sessions.begin() as session:
            pairing = _pairing(session, req.mentorship_id)
            if ledger.already_recorded(session, req.key):
                return pairing.missed_in_a_row
            rows = session.scalars(
                select(CheckIn).where(CheckIn.mentorship_id == pairing.id, CheckIn.round == req.round)
            )
            for row in rows:
                if row.side in req.answered:
                    row.submitted_at = row.submitted_at or req.at  # answers recorded since keep their time
            missed = sorted({"mentor", "mentee"} - set(req.answered))
            pairing.missed_in_a_row = pairing.missed_in_a_row + 1 if missed else 0
            _log(
                session,
                req.key,
                "mentorship.check_in_closed",
                pairing,
                req.at,
                round=req.round,
                missed=missed,
            )
            if "mentor" in req.answered:  # mentoring is a contribution, and counts toward the mentor's trust
                ledger.append(
                    session,
                    key=f"{req.key}/mentoring",
                    kind=ContributionKind.MENTORING_SESSION.ledger_kind,
                    subject_id=pairing.mentor_id,
                    actor_id=pairing.mentor_id,
                    at=req.at,
                    payload={"ref": f"mentorship-{pairing.id}", "counterpart_id": pairing.mentee_id},
                )
            return pairing.missed_in_a_row

    @activity.defn
    def new_milestones(self, req: MilestoneQuery) -> list[str]:
        with self._sessions.begin() as session:
            pairing = _pairing(session, req.mentorship_id)
            found = []
            for kind, label in MILESTONES.items():
                key = f"mentorship-{pairing.id}/milestone/{kind.value}"
                reached = session.scalar(
                    select(func.count(Event.id)).where(
                        Event.kind == kind.ledger_kind,
                        Event.subject_type == "member",
                        Event.subject_id == pairing.mentee_id,
                        Event.at >= pairing.created_at,
                    )
                )
                if reached and not ledger.already_recorded(session, key):
                    _log(session, key, "mentorship.milestone", pairing, req.at, milestone=label)
                    found.append(label)
            return found

    @activity.defn
    def rematch_mentee(self, req: PairingEvent) -> Rematched | None:
        with self._sessions.begin() as session:
            if (done := session.scalar(select(Event).where(Event.idempotency_key == req.key))) is not None:
                new = done.payload.get("new_mentorship_id")
                return Rematched(new, done.payload["new_mentor_id"]) if new else None
            pairing = _pairing(session, req.mentorship_id)
            mentor_id = req.new_mentor_id or _next_best(session, pairing)
            new = None
            if mentor_id is not None:
                new = Mentorship(
                    mentor_id=mentor_id,
                    mentee_id=pairing.mentee_id,
                    status=PairingStatus.INTRODUCED,
                    created_at=req.at,
                    reasons=["matched again after " + req.status],
                )
                session.add(new)
                session.flush()
            _log(
                session,
                req.key,
                "mentorship.rematched",
                pairing,
                req.at,
                new_mentorship_id=new.id if new else None,
                new_mentor_id=mentor_id,
            )
            return Rematched(new.id, mentor_id) if new and mentor_id else None

    @activity.defn
    def send_mentorship_notice(self, req: MentorshipNotice) -> None:
        with self._sessions.begin() as session:
            if ledger.already_recorded(session, req.key):
                return
            pairing = _pairing(session, req.mentorship_id)
            mentor, mentee = get_member(session, pairing.mentor_id), get_member(session, pairing.mentee_id)
            recipients = organizers_for(session, mentee) if req.kind in TO_ORGANIZERS else [mentor, mentee]
            if recipients:
                self._mailer.deliver(
                    "mentorship",
                    [r.email for r in recipients],
                    req.key,
                    kind=req.kind,
                    mentor=mentor,
                    mentee=mentee,
                    pairing=pairing,
                    detail=req.detail,
                )
            _log(
                session,
                req.key,
                f"mail.mentorship_{req.kind}_sent",
                pairing,
                req.at,
                to=[r.id for r in recipients],
            )


def _pairing(session: Session, mentorship_id: int) -> Mentorship:
    pairing = session.get(Mentorship, mentorship_id)
    if pairing is None:
        raise ApplicationError(
            f"mentorship {mentorship_id} does not exist", type="NotFound", non_retryable=True
        )
    return pairing


def _log(session: Session, key: str, kind: str, pairing: Mentorship, at: datetime, **payload: object) -> None:
    ledger.append(
        session,
        key=key,
        kind=kind,
        subject_id=pairing.mentee_id,
        at=at,
        payload={"mentorship_id": pairing.id, "mentor_id": pairing.mentor_id, **payload},
    )


def _next_best(session: Session, pairing: Mentorship) -> int | None:
    """The best mentor with a free place whom this mentee has not been paired with before."""
    tried = set(
        session.scalars(select(Mentorship.mentor_id).where(Mentorship.mentee_id == pairing.mentee_id))
    )
    load = dict(
        session.execute(
            select(Mentorship.mentor_id, func.count())
            .where(Mentorship.status.in_(OPEN))
            .group_by(Mentorship.mentor_id)
        ).all()
    )
    profiles = [
        p
        for p in session.scalars(select(MentorProfile).where(MentorProfile.active.is_(True)))
        if p.member_id not in tried and load.get(p.member_id, 0) < p.capacity
    ]
    mentee = get_member(session, pairing.mentee_id)
    needs = session.scalar(select(MenteeNeeds).where(MenteeNeeds.member_id == mentee.id))
    candidate = matching.Mentee(
        str(mentee.id),
        tuple(needs.skills_wanted if needs else mentee.skills),
        (needs.time_zone if needs else mentee.time_zone) or "UTC",
        tuple(needs.languages) if needs else ("en",),
    )
    mentors = [
        matching.Mentor(
            str(p.member_id),
            tuple(p.skills),
            p.capacity - load.get(p.member_id, 0),
            p.time_zone,
            tuple(p.languages),
        )
        for p in profiles
    ]
    [proposal] = matching.match(mentors, [candidate]) if mentors else [None]
    return int(proposal.mentor) if proposal is not None and proposal.mentor else None
