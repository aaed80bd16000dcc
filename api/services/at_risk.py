"""The organizer's "reach out" list: newcomers whose first 90 days look like those of people who drifted
away, ranked by the churn model trained on the community's own history. A prompt to say hello, never
a penalty; the model card travels with it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from api.retention_source import contributions
from domain import churn
from domain.retention import add_years
from models import Event, Member

LIST_SIZE = 25


@dataclass(frozen=True)
class Newcomer:
    person: str
    member_id: int | None
    name: str
    started: datetime
    stay_chance: float
    contributions_90_days: int


async def reach_out(session: AsyncSession, now: datetime | None = None) -> tuple[list[Newcomer], str | None]:
    """The newcomers least likely to stay, or the reason there is no list yet."""
    return await session.run_sync(_reach_out, now or datetime.now(UTC))


def _reach_out(session: Session, now: datetime) -> tuple[list[Newcomer], str | None]:
    work = list(contributions(session))
    facts = _facts(session)
    _, x, y, _ = churn.dataset(work, facts, now)
    times: dict[str, list[datetime]] = defaultdict(list)
    for c in work:
        times[c.person].append(c.at)
    new = {
        p: sorted(t) for p, t in times.items() if add_years(min(t), 1) > now >= min(t) + timedelta(days=30)
    }
    rows = np.array(
        [churn.features(t[0], t, facts.get(p, churn.PersonFacts())) for p, t in new.items()], dtype=np.float64
    ).reshape(-1, len(churn.FEATURES))
    chances = churn.stay_probabilities(x, y, rows)
    if chances is None:
        return (
            [],
            "Too little history to learn from yet: the list needs at least 20 people whose first year "
            "is over, some of whom stayed.",
        )
    names = {m.id: m.display_name for m in session.scalars(select(Member))}
    listed = []
    for (person, moments), chance, row in zip(new.items(), chances, rows, strict=True):
        member_id = int(person.removeprefix("member-")) if person.startswith("member-") else None
        name = (
            names.get(member_id, "")
            if member_id
            else f"unclaimed identity {person.removeprefix('identity-')}"
        )
        listed.append(Newcomer(person, member_id, name, moments[0], round(float(chance), 3), int(row[0])))
    return sorted(listed, key=lambda n: n.stay_chance)[:LIST_SIZE], None


def _facts(session: Session) -> dict[str, churn.PersonFacts]:
    vouched = {
        f"member-{s}" for s in session.scalars(select(Event.subject_id).where(Event.kind == "vouch.given"))
    }
    mentored = {
        f"member-{s}"
        for s in session.scalars(select(Event.subject_id).where(Event.kind == "mentorship.active"))
    }
    return {p: churn.PersonFacts(vouched=p in vouched, mentored=p in mentored) for p in vouched | mentored}
