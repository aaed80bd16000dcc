"""Suspension and reinstatement, with voucher accountability, each written in one transaction, once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import ledger, review
from activities.contracts import RecordReinstatement, RecordSuspension
from activities.store import get_member
from domain.vouching import SuspensionOutcome
from models import Event, ReviewItem, ReviewKind, Vouch, VouchPenalty


class AccountabilityStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @activity.defn
    def suspend_member(self, req: RecordSuspension) -> SuspensionOutcome:
        """Suspend, cost each voucher capacity, and queue their other vouchees for an organizer's review."""
        with self._sessions.begin() as session:
            earlier = session.scalar(select(Event).where(Event.idempotency_key == req.key))
            if earlier is not None:
                return SuspensionOutcome(tuple(earlier.payload["voucher_ids"]), earlier.payload["queued"])
            member = get_member(session, req.member_id)
            if member.suspended:
                raise ApplicationError(
                    "This member is already suspended.", type="Rejected", non_retryable=True
                )
            member.suspended_at, member.suspended_reason = req.at, req.reason
            voucher_ids = [v.voucher_id for v in _active_vouches(session, req.at, vouchee_id=member.id)]
            queued = 0
            for voucher_id in voucher_ids:
                session.add(
                    VouchPenalty(
                        voucher_id=voucher_id,
                        vouchee_id=member.id,
                        points=req.penalty_points,
                        created_at=req.at,
                    )
                )
                for other in _active_vouches(session, req.at, voucher_id=voucher_id):
                    if other.vouchee_id != member.id:
                        queued += _queue_for_review(session, other.vouchee_id, voucher_id, member.id, req.at)
            ledger.append(
                session,
                key=req.key,
                kind="member.suspended",
                subject_id=member.id,
                actor_id=req.organizer_id,
                at=req.at,
                payload={"reason": req.reason, "voucher_ids": voucher_ids, "queued": queued},
            )
            return SuspensionOutcome(tuple(voucher_ids), queued)

    @activity.defn
    def reinstate_member(self, req: RecordReinstatement) -> None:
        """Lift a suspension; the vouchers' penalties for it are lifted with it."""
        with self._sessions.begin() as session:
            if ledger.already_recorded(session, req.key):
                return
            member = get_member(session, req.member_id)
            if not member.suspended:
                raise ApplicationError("This member is not suspended.", type="Rejected", non_retryable=True)
            member.suspended_at, member.suspended_reason = None, None
            session.execute(
                update(VouchPenalty)
                .where(VouchPenalty.vouchee_id == member.id, VouchPenalty.lifted_at.is_(None))
                .values(lifted_at=req.at)
            )
            ledger.append(
                session,
                key=req.key,
                kind="member.reinstated",
                subject_id=member.id,
                actor_id=req.organizer_id,
                at=req.at,
                payload={"reason": req.reason},
            )


def _active_vouches(
    session: Session, at: datetime, *, vouchee_id: int | None = None, voucher_id: int | None = None
) -> list[Vouch]:
    query = select(Vouch).where(Vouch.revoked_at.is_(None), Vouch.expires_at > at).order_by(Vouch.id)
    if vouchee_id is not None:
        query = query.where(Vouch.vouchee_id == vouchee_id)
    if voucher_id is not None:
        query = query.where(Vouch.voucher_id == voucher_id)
    return list(session.scalars(query))


def _queue_for_review(
    session: Session, member_id: int, voucher_id: int, suspended_id: int, at: datetime
) -> int:
    """One open item per member; a further reason joins the open item. Returns 1 if the item is new."""
    reason = {"voucher_id": voucher_id, "suspended_id": suspended_id}
    if review.queue(session, member_id, ReviewKind.SHARED_VOUCHER, {"because": [reason]}, at):
        return 1
    item = session.scalar(
        select(ReviewItem).where(ReviewItem.open_key == f"{ReviewKind.SHARED_VOUCHER.value}/{member_id}")
    )
    if item is not None and reason not in item.detail.get("because", []):
        item.detail = {"because": [*item.detail.get("because", []), reason]}
    return 0
