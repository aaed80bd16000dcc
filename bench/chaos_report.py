"""The chaos run's report: what was killed when, how long the system took to make progress again,
and what verification found."""

from __future__ import annotations

from typing import Any

Sample = tuple[float, int, int, int]  # seconds, steps recorded, reminders recorded, journeys in flight


def recovery(samples: list[Sample], kills: list[dict[str, Any]]) -> None:
    """Add to each kill the first sample after its restart that shows a new step or reminder recorded."""
    for kill in kills:
        before = next(((s, r) for t, s, r, _ in samples if t >= kill["restarted_at"]), None)
        after = next(
            (t for t, s, r, _ in samples if before and t > kill["restarted_at"] and (s, r) != before), None
        )
        kill["progress_again_at"] = after
        kill["seconds_without_progress"] = None if after is None else round(after - kill["killed_at"], 1)


def due_while_down(due: list[float], kills: list[dict[str, Any]]) -> dict[str, int]:
    """Reminders whose timer came due between a kill and the first progress after it."""
    counts = {}
    for kill in kills:
        end = kill.get("progress_again_at") or kill["restarted_at"]
        counts[kill["process"]] = sum(1 for at in due if kill["killed_at"] <= at <= end)
    return counts


def summary(report: dict[str, Any]) -> str:
    v, seconds, histories = report["verification"], report["seconds"], report["temporal_histories"]
    lines = [
        f"chaos: {report['members']} journeys ({report['signed_up_over_http']} signed up over HTTP, "
        f"{report['imported_with_reminders_due']} imported with reminders due) on {report['database']}; "
        f"all recorded after {seconds['all_recorded']:.0f} s",
    ]
    for kill in report["kills"]:
        lines.append(
            f"  kill -9 {kill['process']:8} at {kill['killed_at']:6.1f} s ({kill['in_flight']} journeys in "
            f"flight, {kill['steps_before']} steps recorded), restarted at {kill['restarted_at']:.1f} s, "
            f"progress again after {kill['seconds_without_progress']} s"
        )
    lines += [
        f"  complete: {v['complete_in_database']} in the database, {v['complete_by_query']} by the "
        f"workflow's query, of {v['journeys']}; journeys stopped: {v['journeys_stopped']}",
        f"  steps recorded twice: {v['step_rows_recorded_twice']} (step_progress), "
        f"{v['ledger_steps_recorded_twice']} (ledger), of {v['step_rows']} steps",
        f"  reminders: {v['reminders_recorded']} recorded, {v['reminders_recorded_twice']} recorded twice; "
        f"{v['reminder_emails_received']} emails received, {v['reminder_emails_sent_twice']} sent twice, "
        f"{v['reminder_same_message_delivered_twice']} delivered twice, "
        f"{v['reminder_emails_missing']} missing; due while down: {report['reminders_due_while_down']}",
        f"  Temporal retried {histories['activities_retried']} activities and "
        f"{histories['workflow_tasks_timed_out']} timed-out workflow tasks; workflow tasks by worker "
        f"{histories['workflow_tasks_by_worker']}, activities {histories['activities_by_worker']}",
        f"  HTTP: {report['http']['requests']} requests, retried {report['http']['retries']}, "
        f"{report['http']['answers_lost_then_refused_as_done']} answers lost (the retry found it done)",
        "  violations: " + ("; ".join(report["violations"]) or "none"),
    ]
    return "\n".join(lines)
