"""The next step's form (api/step_form.py) and its template: the fields a step asks for, in the page's
order, filled from the member's profile or from a refused submission, with its errors, and escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from api.html import html_environment
from api.journey_reads import Choice, Choices, SignedInMember
from api.journey_steps import FormStep, form_step
from api.step_form import NO_PROJECTS, StepFormView, asked, step_form
from domain.journey import JourneyView, Status, StepView
from domain.policy import ProfileField, StepKind, load_policy
from domain.roles import Role

AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
PLAYBOOK = load_policy(Path(__file__).resolve().parents[2] / "community.example.toml").playbook
ME = SignedInMember(7, Role.MEMBER, "Ada <Lovelace>", "Europe/London", ("python", "maths"), None)
NO_CHOICES = Choices((), ())


def _view_step(step_id: str, kind: StepKind, status: str = "next") -> StepView:
    return StepView(step_id, f"Title of {step_id}", "", (), kind, status, None, AT, "")


def _step(step_id: str, kind: StepKind) -> FormStep:
    return FormStep(step_id, f"Title of {step_id}", kind)


def _journey(*steps: StepView) -> JourneyView:
    following = next((s.id for s in steps if s.status == "next"), None)
    return JourneyView(7, Status.ACTIVE, AT, AT, steps, following, None)


def _render(form: StepFormView | None) -> str:
    template = html_environment().get_template("journey/_next_step_form.html")
    return template.render(next_form=form, csrf_token="token-123")


def test_the_forms_step_is_the_one_the_view_names_and_none_when_the_journey_is_done() -> None:
    done = _view_step("code_of_conduct", StepKind.SELF_ATTESTED, "done")
    profile = _view_step("profile", StepKind.FORM)

    assert form_step(_journey(done, profile)) == _step("profile", StepKind.FORM)
    assert form_step(_journey(done)) is None
    assert form_step(None) is None


def test_the_profile_step_asks_its_fields_in_order_filled_from_the_members_profile() -> None:
    step = _step("profile", StepKind.FORM)
    form = step_form(step, asked(PLAYBOOK, step), ME, NO_CHOICES, {}, {})

    assert form is not None and form.is_form
    assert [(f.name, f.value, f.error) for f in form.fields] == [
        ("display_name", "Ada <Lovelace>", ""),
        ("time_zone", "Europe/London", ""),
        ("skills", "python, maths", ""),
    ]
    html = _render(form)
    assert 'value="Ada &lt;Lovelace&gt;"' in html and "<Lovelace>" not in html
    assert 'value="token-123"' in html and "aria-invalid" not in html


def test_a_refused_submission_shows_what_was_sent_and_each_fields_error() -> None:
    step = _step("profile", StepKind.FORM)
    sent = {"display_name": "", "time_zone": "Mars/Olympus", "skills": "go"}
    errors = {"time_zone": "use an IANA time zone name"}
    form = step_form(step, asked(PLAYBOOK, step), ME, NO_CHOICES, sent, errors)

    assert form is not None
    assert [(f.value, f.error) for f in form.fields] == [
        ("", ""),
        ("Mars/Olympus", "use an IANA time zone name"),
        ("go", ""),
    ]
    html = _render(form)
    assert 'aria-invalid="true" aria-describedby="time_zone-error"' in html
    assert '<p class="error" id="time_zone-error" role="alert">use an IANA time zone name</p>' in html
    assert html.count("aria-invalid") == 1


def test_a_project_step_lists_the_active_projects_or_says_there_are_none() -> None:
    step = _step("pick_project", StepKind.FORM)
    projects = (Choice(3, "Canvass map", ("react", "sql")), Choice(4, "Phone bank"))
    with_projects = step_form(step, asked(PLAYBOOK, step), ME, Choices((), projects), {}, {})
    without = step_form(step, asked(PLAYBOOK, step), ME, NO_CHOICES, {}, {})

    html = _render(with_projects)
    assert '<option value="3">Canvass map — needs react, sql</option>' in html
    assert '<option value="4">Phone bank</option>' in html
    assert NO_PROJECTS not in html
    assert NO_PROJECTS in _render(without) and "<select" not in _render(without)


def test_a_self_attested_step_is_one_button_and_an_approval_step_has_no_form() -> None:
    coc = _step("code_of_conduct", StepKind.SELF_ATTESTED)
    button = step_form(coc, asked(PLAYBOOK, coc), ME, NO_CHOICES, {}, {})
    approval = _step("meet_organizer", StepKind.APPROVAL)

    assert button is not None and button.fields == () and not button.is_form
    html = _render(button)
    assert 'action="/journey/steps/code_of_conduct"' in html
    assert "Mark “Title of code_of_conduct” done" in html
    assert step_form(approval, asked(PLAYBOOK, approval), ME, NO_CHOICES, {}, {}) is None
    assert _render(None).strip() == ""


def test_every_field_a_playbook_may_ask_for_has_a_label() -> None:
    step = _step("everything", StepKind.FORM)
    form = step_form(step, tuple(ProfileField), ME, NO_CHOICES, {}, {})

    assert form is not None and all(f.label for f in form.fields)
    assert [f.name for f in form.fields] == [f.value for f in ProfileField]
