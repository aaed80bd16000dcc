"""After a fault run: did every journey reach the end, was any step recorded twice, and was any
reminder decided or emailed twice? Read from the database (step_progress and the event ledger), the
SMTP sink, and each workflow's own `view` query."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from temporalio.client import Client

from api.settings import Settings
from bench.chaos_mail import MailIndex, message_id_for
from bench.cluster_history import closed_journeys, history_stats, relabel
from domain.journey import Status
from models import Event, Member, StepProgress
from models.base import make_engine, session_factory
from workflows.member_journey import MemberJourney

LEDGER_KINDS = ("journey.step_completed", "journey.nudged", "member.signed_up", "mail.welcome_sent")


@dataclass(frozen=True)
class Expected:
    members: dict[int, str]  # member id -> email
    signed_up_over_http: frozenset[int]  # these got a signup event and a welcome email
    steps: tuple[str, ...]


Counts = tuple[int, int, int]


class Progress:
    """(steps recorded, reminders recorded, journeys not yet at the end) for the given members so far."""

    def __init__(self, database_url: str) -> None:
        self._sessions = session_factory(make_engine(database_url, pool_size=1))

    def __call__(self, ids: set[int]) -> Counts:
        with self._sessions() as session:
            steps = session.scalars(select(StepProgress.member_id)).all()
            nudged = session.scalars(select(Event.subject_id).where(Event.kind == "journey.nudged")).all()
            waiting = session.scalars(select(Member.id).where(Member.current_step.is_not(None))).all()
        return (
            sum(1 for m in steps if m in ids),
            sum(1 for m in nudged if m in ids),
            sum(1 for m in waiting if m in ids),
        )


async def wait(
    progress: Progress,
    ids: set[int],
    done: Callable[[Counts], bool],
    *,
    poll: float = 1.0,
    stall: float = 240,
) -> None:
    """Until done(counts) holds; fails when no new step or reminder is recorded for `stall` seconds."""
    last, since = progress(ids), time.monotonic()
    while not done(last):
        await asyncio.sleep(poll)
        now = progress(ids)
        if now[:2] != last[:2]:
            since = time.monotonic()
        elif time.monotonic() - since > stall:
            raise RuntimeError(f"nothing new recorded for {stall:.0f} s; steps, reminders, in flight: {now}")
        last = now


def from_database(
    database_url: str, expected: Expected, mail: MailIndex, settings: Settings
) -> dict[str, Any]:
    ids = set(expected.members)
    sessions = session_factory(make_engine(database_url))
    with sessions() as session:
        rows = session.execute(select(StepProgress.member_id, StepProgress.step_id)).all()
        events = session.execute(
            select(Event.subject_id, Event.kind, Event.payload, Event.idempotency_key).where(
                Event.kind.in_(LEDGER_KINDS)
            )
        ).all()
        current = dict(session.execute(select(Member.id, Member.current_step)).tuples().all())
    step_rows = Counter((m, s) for m, s in rows if m in ids)
    ledger = [e for e in events if e.subject_id in ids]
    step_events = Counter(
        (e.subject_id, e.payload["step"]) for e in ledger if e.kind == "journey.step_completed"
    )
    done: dict[int, set[str]] = {m: set() for m in ids}
    for member_id, step_id in step_rows:
        done[member_id].add(step_id)
    incomplete = {
        m: [s for s in expected.steps if s not in done[m]] for m in ids if done[m] != set(expected.steps)
    }
    still_at_a_step = [m for m in ids if current.get(m) is not None]
    nudges = [e for e in ledger if e.kind == "journey.nudged"]
    reminders = Counter((e.subject_id, e.payload["step"], e.payload["nth"]) for e in nudges)
    per_kind = {kind: Counter(e.subject_id for e in ledger if e.kind == kind) for kind in LEDGER_KINDS}
    over_http = expected.signed_up_over_http
    return {
        "journeys": len(ids),
        "complete_in_database": len(ids) - len(incomplete),
        "incomplete_examples": dict(list(incomplete.items())[:10]),
        "members_with_a_current_step": len(still_at_a_step),
        "step_rows": sum(step_rows.values()),
        "step_rows_recorded_twice": sum(1 for n in step_rows.values() if n > 1),
        "ledger_step_events": sum(step_events.values()),
        "ledger_steps_recorded_twice": sum(1 for n in step_events.values() if n > 1),
        "signups_recorded_twice": sum(1 for m in over_http if per_kind["member.signed_up"][m] > 1),
        "signups_missing": sum(1 for m in over_http if per_kind["member.signed_up"][m] == 0),
        "reminders_recorded": len(nudges),
        "reminders_recorded_twice": sum(1 for n in reminders.values() if n > 1),
        **_mail(mail, nudges, expected, settings),
    }


def _mail(mail: MailIndex, nudges: list[Any], expected: Expected, settings: Settings) -> dict[str, Any]:
    """Match each recorded email with what the sink received, by the Message-ID its key gives."""
    mail.refresh(now=True)
    copies = Counter(m.message_id for m in mail.all)
    sent = [n for n in nudges if "skipped" not in n.payload]
    nudge_ids = {message_id_for(n.idempotency_key): n for n in sent}
    per_reminder = Counter(
        (n.subject_id, n.payload["step"], n.payload["nth"]) for i, n in nudge_ids.items() if copies[i]
    )
    # A reminder emailed but never recorded would not be in the ledger: look for any in the sink.
    unrecorded = [m for m in mail.all if "next step" in m.subject and m.message_id not in nudge_ids]
    welcome_ids = {
        m: message_id_for(f"{settings.journey_id(m)}/welcome") for m in expected.signed_up_over_http
    }
    return {
        "reminder_emails_expected": len(sent),
        "reminder_emails_received": sum(copies[i] for i in nudge_ids),
        "reminder_emails_missing": sum(1 for i in nudge_ids if copies[i] == 0),
        "reminder_emails_sent_twice": sum(1 for n in per_reminder.values() if n > 1),
        "reminder_same_message_delivered_twice": sum(1 for i in nudge_ids if copies[i] > 1),
        "reminder_emails_not_in_ledger": len(unrecorded),
        "welcome_emails_missing": sum(1 for i in welcome_ids.values() if copies[i] == 0),
        "welcome_same_message_delivered_twice": sum(1 for i in welcome_ids.values() if copies[i] > 1),
        "emails_in_sink": len(mail.all),
    }


async def from_workflows(client: Client, settings: Settings, ids: list[int]) -> dict[str, Any]:
    """Each journey's own answer to its `view` query: COMPLETE means every playbook step is done."""
    gate = asyncio.Semaphore(32)

    async def status(member_id: int) -> str:
        handle = client.get_workflow_handle_for(MemberJourney.run, settings.journey_id(member_id))
        async with gate:
            view = await handle.query(MemberJourney.view)
        return "not started" if view is None else str(view.status.value)

    statuses = Counter(await asyncio.gather(*(status(m) for m in ids)))
    return {"complete_by_query": statuses[Status.COMPLETE.value], "statuses_by_query": dict(statuses)}


async def everything(
    client: Client,
    settings: Settings,
    expected: Expected,
    mail: MailIndex,
    label: Callable[[str], str],
    split_at: datetime | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The database and mail checks, each journey's query, the journeys that stopped, and the
    histories' counts with workers named by `label`."""
    result = from_database(settings.database_url, expected, mail, settings)
    result |= await from_workflows(client, settings, sorted(expected.members))
    journey_ids = [settings.journey_id(m) for m in sorted(expected.members)]
    stopped = await closed_journeys(client, settings.temporal_task_queue)
    result["journeys_stopped"] = len(set(stopped) & set(journey_ids))
    histories = await history_stats(client, journey_ids, split_at=split_at)
    return result, relabel(histories, label)


def violations(result: dict[str, Any]) -> list[str]:
    found = []
    journeys = result["journeys"]
    if result["complete_in_database"] != journeys or result["complete_by_query"] != journeys:
        found.append(
            f"journeys complete: {result['complete_in_database']} in the database, "
            f"{result['complete_by_query']} by query, of {journeys}"
        )
    for name in (
        "members_with_a_current_step",
        "step_rows_recorded_twice",
        "ledger_steps_recorded_twice",
        "signups_recorded_twice",
        "signups_missing",
        "reminders_recorded_twice",
        "reminder_emails_missing",
        "reminder_emails_sent_twice",
        "reminder_same_message_delivered_twice",
        "reminder_emails_not_in_ledger",
        "welcome_emails_missing",
        "journeys_stopped",
    ):
        if result.get(name):
            found.append(f"{name}: {result[name]}")
    return found
