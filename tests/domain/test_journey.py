"""The journey rules, without a server: refusals, idle actions, activity and the member's view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.journey import (
    CompletedBy,
    IdleAction,
    IdleActionKind,
    JourneyState,
    Status,
    StepCompletion,
    next_idle_action,
    record_completion,
    refusal,
    touch,
    view,
)
from domain.policy import Playbook, parse_policy

EXAMPLE = (Path(__file__).resolve().parents[2] / "community.example.toml").read_text(encoding="utf-8")
PLAYBOOK = parse_policy(EXAMPLE).playbook
STEPS = ("code_of_conduct", "profile", "pick_project", "meet_organizer")
SIGNED_UP = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
ALL_FIRED = ("remind-3", "remind-7", "escalate", "dormant")
PROFILE = {"display_name": "Grace H.", "time_zone": "America/New_York", "skills": "python, sql"}


def playbook_with(old: str, new: str) -> Playbook:
    assert EXAMPLE.count(old) == 1
    return parse_policy(EXAMPLE.replace(old, new)).playbook


def journey(
    *done: str, fired: tuple[str, ...] = (), dormant: bool = False, playbook: Playbook = PLAYBOOK
) -> JourneyState:
    """A member who completed `done` in order, one step on each day after signing up."""
    completed = {step_id: SIGNED_UP + timedelta(days=n, hours=n) for n, step_id in enumerate(done, 1)}
    last = max(completed.values(), default=SIGNED_UP)
    return JourneyState(7, playbook, SIGNED_UP, last, completed, list(fired), dormant, len(done))


@pytest.mark.parametrize(("done", "step_id"), [((), "nope"), (STEPS, "signup"), ((), "Profile")])
def test_an_unknown_step_is_refused_listing_the_playbooks_steps(done: tuple[str, ...], step_id: str) -> None:
    reason = refusal(journey(*done), StepCompletion(step_id, actor_id=7))

    assert reason == (
        f"Unknown step '{step_id}'. "
        "The playbook's steps are: code_of_conduct, profile, pick_project, meet_organizer."
    )


@pytest.mark.parametrize(
    ("done", "step_id", "first"),
    [
        ((), "profile", "'code_of_conduct' (Accept the code of conduct)"),
        ((), "meet_organizer", "'code_of_conduct' (Accept the code of conduct)"),
        (("code_of_conduct",), "pick_project", "'profile' (Complete your profile)"),
        (("code_of_conduct", "profile"), "meet_organizer", "'pick_project' (Pick a project)"),
    ],
)
def test_a_later_step_is_refused_naming_the_step_to_do_first(
    done: tuple[str, ...], step_id: str, first: str
) -> None:
    reason = refusal(journey(*done), StepCompletion(step_id, 7, CompletedBy.ORGANIZER, PROFILE))

    assert reason == f"Step '{step_id}' comes later; complete {first} first."


@pytest.mark.parametrize(("done", "step_id"), [(STEPS[:1], "code_of_conduct"), (STEPS, "meet_organizer")])
def test_a_step_already_complete_is_refused(done: tuple[str, ...], step_id: str) -> None:
    reason = refusal(journey(*done), StepCompletion(step_id, 1, CompletedBy.ORGANIZER))

    assert reason == f"Step '{step_id}' is already complete."


APPROVAL = "Step 'meet_organizer' needs an organizer's approval; a member cannot complete it."
AUTOMATIC = "Step 'code_of_conduct' is checked automatically when the activity is seen."
ACTIVITY_CHECKED = playbook_with('kind = "self-attested"', 'kind = "activity-checked"')


@pytest.mark.parametrize(
    ("playbook", "done", "step_id", "by", "reason"),
    [
        (PLAYBOOK, STEPS[:3], "meet_organizer", CompletedBy.SELF, APPROVAL),
        (PLAYBOOK, STEPS[:3], "meet_organizer", CompletedBy.SYSTEM, APPROVAL),
        (PLAYBOOK, STEPS[:3], "meet_organizer", CompletedBy.ORGANIZER, None),
        (ACTIVITY_CHECKED, (), "code_of_conduct", CompletedBy.SELF, AUTOMATIC),
        (ACTIVITY_CHECKED, (), "code_of_conduct", CompletedBy.ORGANIZER, AUTOMATIC),
        (ACTIVITY_CHECKED, (), "code_of_conduct", CompletedBy.SYSTEM, None),
    ],
)
def test_approval_steps_need_an_organizer_and_activity_checked_steps_the_system(
    playbook: Playbook, done: tuple[str, ...], step_id: str, by: CompletedBy, reason: str | None
) -> None:
    state = journey(*done, playbook=playbook)

    assert refusal(state, StepCompletion(step_id, 1, by)) == reason


@pytest.mark.parametrize("by", list(CompletedBy))
def test_a_self_attested_step_may_be_completed_by_anyone(by: CompletedBy) -> None:
    assert refusal(journey(), StepCompletion("code_of_conduct", 7, by)) is None


@pytest.mark.parametrize(
    ("form", "reason"),
    [
        ({}, "Step 'profile' needs these fields: display_name, time_zone, skills."),
        ({"display_name": "Grace"}, "Step 'profile' needs these fields: time_zone, skills."),
        ({**PROFILE, "display_name": "   "}, "Step 'profile' needs these fields: display_name."),
        ({"display_name": "G", "age": "9"}, "Step 'profile' needs these fields: time_zone, skills."),
        ({**PROFILE, "shoe": "9", "age": "9"}, "Step 'profile' does not take these fields: age, shoe."),
        ({**PROFILE, "project_id": "3"}, "Step 'profile' does not take these fields: project_id."),
        (PROFILE, None),
    ],
)
def test_a_form_step_needs_exactly_its_fields(form: dict[str, str], reason: str | None) -> None:
    assert refusal(journey("code_of_conduct"), StepCompletion("profile", 7, form=form)) == reason


def test_a_step_without_a_form_refuses_form_fields() -> None:
    reason = refusal(journey(), StepCompletion("code_of_conduct", 7, form={"skills": "go"}))

    assert reason == "Step 'code_of_conduct' does not take these fields: skills."


@pytest.mark.parametrize(
    ("fired", "kind", "name", "days"),
    [
        ((), IdleActionKind.REMIND, "remind-3", 3),
        (("remind-3",), IdleActionKind.REMIND, "remind-7", 7),
        (("remind-3", "remind-7"), IdleActionKind.ESCALATE, "escalate", 10),
        (("remind-3", "remind-7", "escalate"), IdleActionKind.DORMANT, "dormant", 30),
        (("remind-7",), IdleActionKind.REMIND, "remind-3", 3),
    ],
)
def test_an_idle_member_is_reminded_then_escalated_then_marked_dormant(
    fired: tuple[str, ...], kind: IdleActionKind, name: str, days: int
) -> None:
    state = journey("code_of_conduct", fired=fired)

    assert next_idle_action(state) == IdleAction(
        kind, name, state.last_activity_at + timedelta(days=days), "profile"
    )
    assert state.last_activity_at == SIGNED_UP + timedelta(days=1, hours=1)


def test_idle_actions_count_from_signup_before_any_activity() -> None:
    assert next_idle_action(journey()) == IdleAction(
        IdleActionKind.REMIND, "remind-3", datetime(2025, 3, 4, 9, 30, tzinfo=UTC), "code_of_conduct"
    )


def test_the_reminders_follow_the_current_steps_reminder_days() -> None:
    playbook = playbook_with("due_after_days = 14\nreminder_days = [3, 7]", "reminder_days = [1, 4, 9]")
    state = journey(*STEPS[:3], playbook=playbook)

    names: list[tuple[str, timedelta]] = []
    while (action := next_idle_action(state)) is not None and len(names) < 10:
        names.append((action.name, action.at - state.last_activity_at))
        state.fired.append(action.name)

    assert names == [
        ("remind-1", timedelta(days=1)),
        ("remind-4", timedelta(days=4)),
        ("remind-9", timedelta(days=9)),
        ("escalate", timedelta(days=10)),
        ("dormant", timedelta(days=30)),
    ]


@pytest.mark.parametrize("fired", [(), ("remind-3", "remind-7", "escalate")])
def test_a_member_who_finished_gets_no_reminders_but_can_still_go_dormant(fired: tuple[str, ...]) -> None:
    state = journey(*STEPS, fired=fired)

    assert next_idle_action(state) == IdleAction(
        IdleActionKind.DORMANT, "dormant", state.last_activity_at + timedelta(days=30), None
    )


@pytest.mark.parametrize(
    ("done", "fired", "dormant"),
    [
        (STEPS[:1], ALL_FIRED, True),
        (STEPS[:1], (), True),
        (STEPS, (), True),
        (STEPS, ("dormant",), False),
        (STEPS[:2], ALL_FIRED, False),
    ],
)
def test_nothing_more_happens_to_a_dormant_member_or_once_every_action_fired(
    done: tuple[str, ...], fired: tuple[str, ...], dormant: bool
) -> None:
    assert next_idle_action(journey(*done, fired=fired, dormant=dormant)) is None


def test_activity_clears_the_fired_actions_and_restarts_the_idle_clock() -> None:
    state = journey("code_of_conduct", fired=ALL_FIRED[:3])
    seen = SIGNED_UP + timedelta(days=12)

    assert touch(state, seen) is False
    assert (state.fired, state.activity_count, state.last_activity_at) == ([], 2, seen)
    assert next_idle_action(state) == IdleAction(
        IdleActionKind.REMIND, "remind-3", seen + timedelta(days=3), "profile"
    )


def test_activity_reported_late_does_not_move_the_idle_clock_back() -> None:
    state = journey("code_of_conduct", "profile")
    latest = state.last_activity_at

    assert touch(state, latest - timedelta(minutes=5)) is False
    assert (state.last_activity_at, state.activity_count) == (latest, 3)


def test_activity_brings_a_dormant_member_back_only_once() -> None:
    state = journey("code_of_conduct", fired=ALL_FIRED, dormant=True)
    back = SIGNED_UP + timedelta(days=40)

    assert touch(state, back) is True
    assert (state.dormant, state.fired, state.activity_count) == (False, [], 2)
    assert touch(state, back + timedelta(hours=1)) is False


def test_recording_a_completion_marks_the_step_and_counts_as_activity() -> None:
    state = journey("code_of_conduct", fired=("remind-3",), dormant=True)
    at = SIGNED_UP + timedelta(days=5)

    record_completion(state, "profile", at)

    assert state.completed["profile"] == at
    assert list(state.completed) == ["code_of_conduct", "profile"]
    assert (state.last_activity_at, state.fired, state.dormant, state.activity_count) == (at, [], False, 2)


def test_a_new_member_sees_the_first_step_next_due_from_signup() -> None:
    shown = view(journey())

    assert [s.status for s in shown.steps] == ["next", "upcoming", "upcoming", "upcoming"]
    assert [s.due_at for s in shown.steps] == [SIGNED_UP + timedelta(days=3), None, None, None]
    assert [s.completed_at for s in shown.steps] == [None, None, None, None]
    assert (shown.member_id, shown.status, shown.next_step_id) == (7, Status.ACTIVE, "code_of_conduct")
    assert (shown.signed_up_at, shown.last_activity_at) == (SIGNED_UP, SIGNED_UP)
    assert shown.next_reminder_at == SIGNED_UP + timedelta(days=3)
    assert [s.completed_by_hint for s in shown.steps] == [
        "You mark this done.",
        "You fill in a short form.",
        "You fill in a short form.",
        "An organizer approves this.",
    ]
    assert shown.steps[0].links == ("https://www.contributor-covenant.org/version/2/1/code_of_conduct/",)


def test_the_next_step_is_due_from_when_the_previous_step_was_completed() -> None:
    state = journey("code_of_conduct", "profile")
    coc_done, profile_done = SIGNED_UP + timedelta(days=1, hours=1), SIGNED_UP + timedelta(days=2, hours=2)

    shown = view(state)

    assert [s.status for s in shown.steps] == ["done", "done", "next", "upcoming"]
    assert [s.completed_at for s in shown.steps] == [coc_done, profile_done, None, None]
    assert [s.due_at for s in shown.steps] == [None, None, profile_done + timedelta(days=7), None]
    assert (shown.status, shown.next_step_id) == (Status.ACTIVE, "pick_project")


@pytest.mark.parametrize(
    ("fired", "days"),
    [((), 3), (ALL_FIRED[:1], 7), (ALL_FIRED[:2], None), (ALL_FIRED[:3], None)],
)
def test_the_next_reminder_is_shown_only_while_a_reminder_is_the_next_idle_action(
    fired: tuple[str, ...], days: int | None
) -> None:
    state = journey("code_of_conduct", "profile", "pick_project", fired=fired)

    expected = None if days is None else state.last_activity_at + timedelta(days=days)
    assert view(state).next_reminder_at == expected


def test_a_member_who_finished_every_step_is_complete_with_nothing_due() -> None:
    shown = view(journey(*STEPS))

    assert (shown.status, shown.next_step_id, shown.next_reminder_at) == (Status.COMPLETE, None, None)
    assert [s.status for s in shown.steps] == ["done"] * 4
    assert [s.due_at for s in shown.steps] == [None] * 4


@pytest.mark.parametrize(("done", "next_step"), [(STEPS[:1], "profile"), (STEPS, None)])
def test_a_dormant_member_is_shown_dormant_whatever_is_left(
    done: tuple[str, ...], next_step: str | None
) -> None:
    shown = view(journey(*done, fired=ALL_FIRED, dormant=True))

    assert (shown.status, shown.next_step_id, shown.next_reminder_at) == (Status.DORMANT, next_step, None)
