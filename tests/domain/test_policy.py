"""The policy file: the example parses, and every bad file is refused with the field, value and rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.errors import PolicyError
from domain.policy import IdleRules, ProfileField, StepKind, load_policy, parse_policy

EXAMPLE_PATH = Path(__file__).resolve().parents[2] / "community.example.toml"
EXAMPLE = EXAMPLE_PATH.read_text(encoding="utf-8")


def edited(*replacements: tuple[str, str]) -> str:
    """The example file with each `old` replaced once; fails loudly if the example no longer has `old`."""
    text = EXAMPLE
    for old, new in replacements:
        assert text.count(old) == 1, f"the example file should contain {old!r} exactly once"
        text = text.replace(old, new)
    return text


def refusal(text: str) -> str:
    with pytest.raises(PolicyError) as refused:
        parse_policy(text, source="community.toml")
    return str(refused.value)


def test_the_example_policy_parses_into_the_four_step_playbook() -> None:
    policy = load_policy(EXAMPLE_PATH)

    assert policy.community.name == "Perennial Demo Community"
    assert policy.community.code_of_conduct_url.startswith("https://www.contributor-covenant.org/")
    assert [s.id for s in policy.playbook.steps] == [
        "code_of_conduct",
        "profile",
        "pick_project",
        "meet_organizer",
    ]
    assert [s.kind for s in policy.playbook.steps] == [
        StepKind.SELF_ATTESTED,
        StepKind.FORM,
        StepKind.FORM,
        StepKind.APPROVAL,
    ]
    profile = policy.playbook.step("profile")
    assert profile is not None
    assert profile.form == (ProfileField.DISPLAY_NAME, ProfileField.TIME_ZONE, ProfileField.SKILLS)
    assert [s.due_after_days for s in policy.playbook.steps] == [3, 7, 7, 14]
    assert policy.playbook.idle == IdleRules(escalate_after_days=10, dormant_after_days=30)
    assert policy.playbook.step("signup") is None


def test_a_minimal_policy_gets_the_default_kind_due_days_reminders_and_idle_rules() -> None:
    policy = parse_policy(
        '[community]\nname = "Tiny"\ncode_of_conduct_url = "http://example.org/coc"\n'
        '[[playbook.steps]]\nid = "hello"\ntitle = "Say hello"\n'
    )

    [step] = policy.playbook.steps
    assert (step.kind, step.due_after_days, step.reminder_days, step.form) == (
        StepKind.SELF_ATTESTED,
        7,
        (3, 7),
        (),
    )
    assert policy.playbook.idle == IdleRules(escalate_after_days=10, dormant_after_days=30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            edited(('kind = "approval"', 'kind = "vote"')),
            [
                "playbook.steps[3 'meet_organizer'].kind = 'vote'",
                "Input should be 'self-attested', 'form', 'activity-checked' or 'approval'",
            ],
            id="unknown-step-kind",
        ),
        pytest.param(
            edited(('name = "Perennial Demo Community"\n', "")),
            ["community.name = (missing): Field required"],
            id="missing-community-name",
        ),
        pytest.param(
            edited(
                (
                    'code_of_conduct_url = "https://www.contributor',
                    'code_of_conduct_url = "ftp://www.contributor',
                )
            ),
            ["community.code_of_conduct_url = 'ftp://", "String should match pattern '^https?://'"],
            id="code-of-conduct-url-not-http",
        ),
        pytest.param(
            edited(('form = ["project_id"]', 'form = ["shoe_size"]')),
            [
                "playbook.steps[2 'pick_project'].form[0] = 'shoe_size'",
                "'display_name', 'time_zone', 'skills', 'github_login', 'chapter_id', 'project_id', "
                "'skills_wanted', 'goals' or 'languages'",
            ],
            id="unknown-form-field",
        ),
        pytest.param(
            edited(('id = "profile"', 'id = "Profile Step"')),
            [
                "playbook.steps[1 'Profile Step'].id = 'Profile Step'",
                "String should match pattern '^[a-z][a-z0-9_]{0,39}$'",
            ],
            id="step-id-not-lowercase-identifier",
        ),
        pytest.param(
            edited(("due_after_days = 14", "due_after_days = 0")),
            [
                "playbook.steps[3 'meet_organizer'].due_after_days = 0",
                "Input should be greater than or equal to 1",
            ],
            id="due-after-zero-days",
        ),
        pytest.param(
            edited(("escalate_after_days = 10", "escalate_after_days = 367")),
            ["playbook.idle.escalate_after_days = 367", "Input should be less than or equal to 366"],
            id="escalate-after-more-than-a-year",
        ),
        pytest.param(
            edited(('id = "pick_project"', 'id = "pick_project"\ncolour = "green"')),
            ["playbook.steps[2 'pick_project'].colour = 'green'", "Extra inputs are not permitted"],
            id="unknown-step-setting",
        ),
        pytest.param(
            edited(('id = "pick_project"', 'id = "profile"')),
            ["  - playbook: step ids must be unique; repeated: profile"],
            id="duplicate-step-ids",
        ),
        pytest.param(
            edited(('form = ["project_id"]\n', "")),
            [
                "  - playbook.steps[2 'pick_project']: step 'pick_project' is a form step: "
                "list the fields it collects in 'form'",
            ],
            id="form-step-without-fields",
        ),
        pytest.param(
            edited(('kind = "approval"', 'kind = "approval"\nform = ["skills"]')),
            [
                "  - playbook.steps[3 'meet_organizer']: "
                "step 'meet_organizer' has 'form' fields but kind 'approval'; use kind 'form'",
            ],
            id="form-fields-on-an-approval-step",
        ),
        pytest.param(
            edited(
                ("due_after_days = 3\nreminder_days = [3, 7]", "due_after_days = 3\nreminder_days = [7, 3]")
            ),
            [
                "  - playbook.steps[0 'code_of_conduct']: "
                "step 'code_of_conduct': reminder_days [7, 3] must be strictly increasing",
            ],
            id="reminder-days-decreasing",
        ),
        pytest.param(
            edited(
                ("due_after_days = 3\nreminder_days = [3, 7]", "due_after_days = 3\nreminder_days = [3, 3]")
            ),
            ["step 'code_of_conduct': reminder_days [3, 3] must be strictly increasing"],
            id="reminder-days-repeated",
        ),
        pytest.param(
            edited(
                (
                    "due_after_days = 14\nreminder_days = [3, 7]",
                    "due_after_days = 14\nreminder_days = [3, 10]",
                )
            ),
            [
                "  - playbook: step 'meet_organizer': "
                "reminder_days [10] must come before escalate_after_days (10)",
            ],
            id="reminder-on-the-escalation-day",
        ),
        pytest.param(
            edited(("escalate_after_days = 10", "escalate_after_days = 5")),
            ["step 'code_of_conduct': reminder_days [7] must come before escalate_after_days (5)"],
            id="escalation-before-the-reminders",
        ),
        pytest.param(
            edited(("dormant_after_days = 30", "dormant_after_days = 10")),
            [
                "  - playbook: idle.escalate_after_days (10) must be less than idle.dormant_after_days (10)",
            ],
            id="dormant-on-the-escalation-day",
        ),
        pytest.param(
            edited(('id = "code_of_conduct"', 'id = "signup"')),
            ["'signup' is recorded automatically; remove it from the playbook steps"],
            id="step-named-signup",
        ),
        pytest.param(
            '[community]\nname = "x"\ncode_of_conduct_url = "https://x.org"\n[playbook]\nsteps = []\n',
            ["  - playbook: the playbook needs at least one step"],
            id="no-steps",
        ),
        pytest.param(
            '[community]\nname = "x"\ncode_of_conduct_url = "https://x.org"\n',
            ["  - playbook = (missing): Field required"],
            id="no-playbook",
        ),
    ],
)
def test_an_invalid_policy_is_refused_naming_the_field_the_value_and_the_rule(
    text: str, expected: list[str]
) -> None:
    message = refusal(text)

    assert message.startswith("community.toml: invalid policy:\n")
    for part in expected:
        assert part in message


def test_every_problem_in_a_policy_is_listed_on_its_own_line() -> None:
    message = refusal(
        edited(
            ('name = "Perennial Demo Community"\n', ""),
            ('kind = "approval"', 'kind = "vote"'),
        )
    )

    assert message.splitlines()[1:] == [
        "  - community.name = (missing): Field required",
        "  - playbook.steps[3 'meet_organizer'].kind = 'vote': Input should be 'self-attested', "
        "'form', 'activity-checked' or 'approval'",
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(edited(('name = "Perennial Demo Community"', "name = ")), id="value-missing"),
        pytest.param(edited(("[community]", "[community")), id="unclosed-table-header"),
        pytest.param(EXAMPLE + "\n[community]\n", id="table-declared-twice"),
    ],
)
def test_text_that_is_not_toml_is_refused_as_not_valid_toml(text: str) -> None:
    message = refusal(text)

    assert message.startswith("community.toml: not valid TOML: ")
    assert "(at line " in message


def test_load_policy_names_the_file_in_its_refusals(tmp_path: Path) -> None:
    path = tmp_path / "community.toml"
    path.write_text(edited(('kind = "approval"', 'kind = "vote"')), encoding="utf-8")

    with pytest.raises(PolicyError) as refused:
        load_policy(path)

    assert str(refused.value).startswith(f"{path}: invalid policy:\n")
    assert "playbook.steps[3 'meet_organizer'].kind = 'vote'" in str(refused.value)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        pytest.param("missing.toml", "No such file or directory", id="missing-file"),
        pytest.param(".", "Is a directory", id="a-directory"),
    ],
)
def test_an_unreadable_policy_path_is_refused_with_the_reason(tmp_path: Path, name: str, reason: str) -> None:
    path = tmp_path / name

    with pytest.raises(PolicyError) as refused:
        load_policy(path)

    assert str(refused.value) == f"policy file '{path}' cannot be read: {reason}"


def test_a_policy_file_that_is_not_utf8_is_refused_as_a_policy_error(tmp_path: Path) -> None:
    path = tmp_path / "community.toml"
    path.write_bytes(EXAMPLE.replace("Demo", "Démo").encode("latin-1"))

    with pytest.raises(PolicyError) as refused:
        load_policy(path)

    assert str(path) in str(refused.value)
