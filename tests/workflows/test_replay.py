"""Saved histories from early and late journeys must replay against today's workflow code.

A failure here means a change would break journeys already running: put it behind
`workflow.patched(...)`, then record new histories with `make histories` and keep the old ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from api.temporal import data_converter
from tests.conftest import make_settings
from workflows.access_grant import ACT_AT_ONCE
from workflows.member_journey import READ_SIDE
from workflows.mentorship import WORDS_RECORDED
from workflows.registry import WORKFLOWS

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


def test_histories_cover_early_and_late_stages() -> None:
    kinds = {path.stem: {event.WhichOneof("attributes") for event in load(path).events} for path in HISTORIES}
    assert any("timer_fired_event_attributes" in k for k in kinds.values()), (
        "no history where an idle timer fired"
    )
    assert any("workflow_execution_continued_as_new_event_attributes" in k for k in kinds.values())
    assert any("workflow_execution_update_completed_event_attributes" in k for k in kinds.values())
    assert any(name.startswith("member-journey-late") for name in kinds)
    journeys = [path for path in HISTORIES if path.stem.startswith("member-journey")]
    patched = {path.stem: READ_SIDE in _patches(path) for path in journeys}
    assert any(patched.values()) and not all(patched.values()), (
        "journeys from before the read side and with it must both replay"
    )
    mentorships = [path for path in HISTORIES if path.stem.startswith("mentorship")]
    assert {WORDS_RECORDED in _patches(path) for path in mentorships} == {True, False}, (
        "mentorships from before check-in answers and feedback were recorded and since must both replay"
    )
    warned = [path for path in HISTORIES if path.stem.startswith("access-grant") and "suspended" in path.stem]
    assert {ACT_AT_ONCE in _patches(path) for path in warned} == {True, False}, (
        "grants suspended from before a suspension took access away at once and since must both replay"
    )


def _patches(path: Path) -> set[str]:
    found = set()
    for event in load(path).events:
        marker = event.marker_recorded_event_attributes
        if marker.marker_name == "core_patch":
            found.add(json.loads(marker.details["patch-data"].payloads[0].data)["id"])
    return found


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_saved_history_replays_without_nondeterminism(path: Path) -> None:
    replayer = Replayer(
        workflows=list(WORKFLOWS), data_converter=data_converter(make_settings("sqlite://", 0))
    )
    await replayer.replay_workflow(load(path))


def test_histories_cover_vouching_and_a_trust_change() -> None:
    signals, updates = set(), set()
    for path in HISTORIES:
        for event in load(path).events:
            if event.HasField("workflow_execution_signaled_event_attributes"):
                signals.add(event.workflow_execution_signaled_event_attributes.signal_name)
            if event.HasField("workflow_execution_update_accepted_event_attributes"):
                updates.add(
                    event.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
                )
    assert "trust_changed" in signals
    assert {"vouch", "complete_step"} <= updates
