"""Contributions as retention sees them: from the ledger, one person per member (claimed identities
count as their member), optionally one project's."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from domain.retention import Contribution
from models.rollup_build import ledger_contributions


def contributions(session: Session, project: str | None = None) -> Iterator[Contribution]:
    return ledger_contributions(session.connection(), project)
