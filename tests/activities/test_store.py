"""Journey records are written once per key, whatever Temporal retries, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from temporalio.exceptions import ApplicationError

from activities.contracts import PublishView, RecordSignup, RecordStatus, RecordStep
from activities.store import JourneyStore
from domain import journey
from domain.journey import JourneyState
from models import JourneyViewRecord, Member, MemberStatus, MenteeNeeds
from models.journey_view import VIEW_JSON
from tests.factories import Db

AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def test_signup_is_recorded_once_and_the_playbook_comes_back_each_time(store: JourneyStore, db: Db) -> None:
    member = db.member("once@example.org")
    first = store.start_journey(RecordSignup(member.id, AT, "member-1/signup"))
    again = store.start_journey(RecordSignup(member.id, AT, "member-1/signup"))

    assert first == again and first.steps[0].id == "code_of_conduct"
    assert [e.kind for e in db.events(member.id)] == ["member.signed_up"]
    assert db.get(Member, member.id).current_step == "code_of_conduct"


def test_a_retried_step_writes_one_progress_row_one_event_and_the_form_fields(
    store: JourneyStore, db: Db
) -> None:
    project = db.project("spoke")
    member = db.member("form@example.org")
    step = RecordStep(
        member.id,
        "pick_project",
        member.id,
        "self",
        AT,
        "member-1/step/pick_project",
        "meet_organizer",
        {"project_id": str(project.id)},
    )

    store.record_step(step)
    store.record_step(step)

    assert [p.step_id for p in db.progress(member.id)] == ["pick_project"]
    [event] = db.events(member.id)
    assert (event.kind, event.payload, event.at) == (
        "journey.step_completed",
        {"step": "pick_project", "by": "self", "fields": ["project_id"]},
        AT,
    )
    stored = db.get(Member, member.id)
    assert (stored.project_id, stored.current_step) == (project.id, "meet_organizer")


def test_a_step_naming_a_missing_project_fails_for_good_and_writes_nothing(
    store: JourneyStore, db: Db
) -> None:
    member = db.member("ghost@example.org")
    step = RecordStep(member.id, "pick_project", member.id, "self", AT, "k", None, {"project_id": "999"})

    with pytest.raises(ApplicationError) as failure:
        store.record_step(step)

    assert failure.value.non_retryable and "project '999' does not exist" in failure.value.message
    assert db.progress(member.id) == [] and db.events(member.id) == []


def test_a_github_login_another_member_holds_in_any_case_fails_for_good_and_writes_nothing(
    store: JourneyStore, db: Db
) -> None:
    holder, claimant = db.member("alice@example.org"), db.member("mallory@example.org")
    with db.sessions.begin() as s:
        s.get_one(Member, holder.id).github_login = "Alice"
    step = RecordStep(claimant.id, "profile", claimant.id, "self", AT, "k", None, {"github_login": "alice"})
    own = RecordStep(holder.id, "profile", holder.id, "self", AT, "k2", None, {"github_login": "alice"})

    with pytest.raises(ApplicationError) as failure:
        store.record_step(step)
    store.record_step(own)  # their own login, typed in another case, is theirs to keep

    assert failure.value.non_retryable and failure.value.type == "Rejected"
    assert "Another member has linked this GitHub login" in failure.value.message
    assert db.progress(claimant.id) == [] and db.get(Member, claimant.id).github_login is None
    assert db.get(Member, holder.id).github_login == "alice"


def test_dormancy_and_return_are_recorded_once_each(store: JourneyStore, db: Db) -> None:
    member = db.member("sleepy@example.org")
    for _ in range(2):
        store.mark_dormant(RecordStatus(member.id, AT, "member-1/idle/0/dormant", idle_days=30))
    assert db.get(Member, member.id).status is MemberStatus.DORMANT
    for _ in range(2):
        store.mark_returned(RecordStatus(member.id, AT, "member-1/returned/1"))

    assert db.get(Member, member.id).status is MemberStatus.ACTIVE
    assert [(e.kind, e.payload) for e in db.events(member.id)] == [
        ("member.dormant", {"idle_days": 30}),
        ("member.returned", {}),
    ]


def test_an_unknown_member_is_a_permanent_failure(store: JourneyStore) -> None:
    with pytest.raises(ApplicationError) as failure:
        store.mark_dormant(RecordStatus(12345, AT, "k"))
    assert failure.value.non_retryable and failure.value.type == "NotFound"


def test_a_step_asking_for_a_mentor_stores_the_mentee_needs(store: JourneyStore, db: Db) -> None:
    member = db.member("mentee@example.org")
    form = {"skills_wanted": "Python, SQL", "goals": "ship my first fix", "languages": "en; es"}
    store.record_step(RecordStep(member.id, "ask_for_mentor", member.id, "self", AT, "needs", None, form))

    with db.session() as s:
        needs = s.query(MenteeNeeds).filter_by(member_id=member.id).one()
    assert (needs.skills_wanted, needs.goals, needs.languages, needs.time_zone) == (
        ["python", "sql"],
        "ship my first fix",
        ["en", "es"],
        "UTC",
    )


def test_a_published_view_is_replaced_by_newer_ones_only(store: JourneyStore, db: Db) -> None:
    """A retried publish of an older view (its activity ran late) must not hide a newer one."""
    member = db.member("views@example.org")
    state = JourneyState(member.id, store.start_journey(RecordSignup(member.id, AT, "views/signup")), AT, AT)
    first = journey.view(state)
    journey.record_completion(state, "code_of_conduct", AT + timedelta(hours=1))
    second = journey.view(state)

    store.publish_view(PublishView(first, AT))
    store.publish_view(PublishView(second, AT + timedelta(hours=1)))
    store.publish_view(PublishView(first, AT))  # late

    record = db.get(JourneyViewRecord, member.id)
    assert VIEW_JSON.validate_json(record.body) == second
    assert record.published_at == AT + timedelta(hours=1)


def test_a_view_for_a_member_without_a_record_is_not_published(store: JourneyStore, db: Db) -> None:
    state = JourneyState(
        404_404, store.start_journey(RecordSignup(db.member("x@example.org").id, AT, "x")), AT, AT
    )
    store.publish_view(PublishView(journey.view(state), AT))

    assert db.get(JourneyViewRecord, 404_404) is None
