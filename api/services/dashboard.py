"""The dashboards' data: one context for page, JSON and CSV. Funders see aggregates only, and any cell
describing fewer than the policy's minimum number of people is suppressed (shown as null)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from api.services import rollup_read
from api.settings import Settings
from domain import cycles, retention
from models import ContributorSpan, Member
from models.rollup_build import Calendar

TABLES = ("cohorts", "funnel", "cycles", "activity", "mentorship", "ltc")


async def funder_view(session: AsyncSession, settings: Settings, *, suppress: bool = True) -> dict[str, Any]:
    """With `suppress`, cells under the policy's minimum group size are null (funders, share links)."""
    moment = datetime.now(UTC)
    policy = settings.policy.retention
    calendar = Calendar.of(policy)
    data = await session.run_sync(rollup_read.read, calendar)
    await session.commit()  # the first read after an upgrade or a calendar change builds the rollups
    summary = retention.report_from(data.spans, data.cells, moment)
    k = policy.min_cell_size if suppress else 0
    return {
        "as_of": summary["as_of"],
        "min_cell_size": k,
        "people": _cell(summary["people"], k),
        "ltc": {
            t: {"eligible": _cell(v["eligible"], k), "rate": v["rate"] if v["eligible"] >= k else None}
            for t, v in summary["ltc"].items()
        },
        "survival": summary["survival"] if summary["people"] >= k else None,
        "absence_factor": summary["absence_factor"],
        "core": summary["core"],
        "regular": summary["regular"],
        "casual": summary["casual"],
        "cohorts": [
            {**c, "retention": c["retention"] if c["size"] >= k else None, "size": _cell(c["size"], k)}
            for c in summary["cohorts"]
        ],
        "funnel": [
            {
                **vars(r),
                "people": _cell(r.people, k),
                "conversion": r.conversion if r.people >= k else None,
                # one person's median is their own time between the steps
                "median_days": r.median_days if r.people >= k else None,
            }
            for r in data.funnel
        ],
        "cycles": [
            {
                "election": c.election.isoformat(),
                "active": _cell(c.active, k),
                "share_returned": c.share_returned if c.active >= k else None,
            }
            for c in data.cycles
        ],
        "elections": [day.isoformat() for day in calendar.elections],
        "activity": [
            {"month": retention.month_label(month), "active": _cell(people, k)}
            for month, people in data.monthly_active
        ],
        "mentorship": [
            {
                **vars(s),
                "share": s.share if s.people >= k else None,
                "low": s.low if s.people >= k else None,
                "high": s.high if s.people >= k else None,
                "people": _cell(s.people, k),
                "retained": None,
            }
            for s in cycles.mentorship_effect(data.spans, data.mentored, moment)
        ],
    }


async def cohort_people(session: AsyncSession) -> dict[str, list[dict[str, Any]]]:
    """For organizers: who is in each monthly cohort (members by name, unclaimed identities by number)."""
    return await session.run_sync(_cohort_people)


def _cohort_people(session: Session) -> dict[str, list[dict[str, Any]]]:
    """From the rollup (read after `funder_view` has made sure it is built), in order of starting."""
    names = {f"member-{m.id}": m.display_name for m in session.scalars(select(Member))}
    starts = select(ContributorSpan.person, ContributorSpan.first_month).order_by(
        ContributorSpan.first_at, ContributorSpan.person
    )
    cohorts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for person, month in session.execute(starts):
        member_id = int(person.removeprefix("member-")) if person.startswith("member-") else None
        cohorts[retention.month_label(month)].append(
            {"member_id": member_id, "name": names.get(person, f"unclaimed identity {person.split('-')[-1]}")}
        )
    return dict(cohorts)


def csv_table(view: dict[str, Any], table: str) -> str:
    """One table of the view as CSV, with the same suppression as the page."""
    rows: list[dict[str, Any]]
    if table == "cohorts":
        rows = [
            {
                "month": c["month"],
                "size": c["size"],
                **{f"month_{k}": v for k, v in enumerate(c["retention"] or [])},
            }
            for c in view["cohorts"]
        ]
    elif table == "ltc":
        rows = [{"years": t, **v} for t, v in view["ltc"].items()]
    else:
        rows = list(view[table])
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _cell(count: int, k: int) -> int | None:
    return count if count >= k else None
