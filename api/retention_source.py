"""Contributions as retention sees them: from the ledger, one person per member (claimed identities
count as their member), optionally one project's."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.services import identities
from domain.contributions import LEDGER_PREFIX
from domain.retention import Contribution
from models import Event


def contributions(session: Session, project: str | None = None) -> Iterator[Contribution]:
    claimed = identities.claimants(session)
    rows = session.execute(
        select(Event.subject_type, Event.subject_id, Event.at, Event.payload).where(
            Event.kind.startswith(LEDGER_PREFIX), Event.subject_type.in_(("member", "identity"))
        )
    )
    for subject_type, subject_id, at, payload in rows:
        if project is not None and payload.get("project") != project:
            continue
        member = subject_id if subject_type == "member" else claimed.get(subject_id)
        yield Contribution(f"member-{member}" if member is not None else f"identity-{subject_id}", at)
