"""The next step's form on the journey page, as data: the page renders each field in one loop over plain
values, not a macro call per field, because the form is what the most-viewed page renders on every request
(bench/README.md, `make bench-load`). Labels and hints live here, with the fields a playbook may ask for."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from api.journey_reads import Choice, Choices
from api.journey_steps import FormStep
from domain.policy import Playbook, ProfileField, StepKind


class Profile(Protocol):
    """The member's own answers, shown in the profile step's form: a Member or the signed-in reader's copy."""

    @property
    def display_name(self) -> str: ...
    @property
    def time_zone(self) -> str | None: ...
    @property
    def skills(self) -> Sequence[str]: ...
    @property
    def github_login(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label: str
    hint: str = ""
    value: str = ""
    error: str = ""
    options: tuple[Choice, ...] | None = None  # a select's choices; None for a text input
    if_no_options: str = ""  # shown instead of an empty select


@dataclass(frozen=True, slots=True)
class StepFormView:
    step: FormStep
    fields: tuple[Field, ...]  # empty for a self-attested step: a single "done" button

    @property
    def is_form(self) -> bool:
        return self.step.kind is StepKind.FORM


_LABELS: dict[ProfileField, tuple[str, str]] = {
    ProfileField.DISPLAY_NAME: ("Name to show others", ""),
    ProfileField.TIME_ZONE: ("Time zone", "An IANA name such as America/Chicago, Europe/Berlin or UTC."),
    ProfileField.SKILLS: ("Skills", "Separate them with commas: python, design, data entry."),
    ProfileField.GITHUB_LOGIN: ("GitHub login", ""),
    ProfileField.CHAPTER_ID: ("Chapter", ""),
    ProfileField.PROJECT_ID: ("Project", ""),
    ProfileField.SKILLS_WANTED: (
        "Skills you want to learn",
        "Separate them with commas, e.g. python, testing",
    ),
    ProfileField.GOALS: ("What you hope to do with a mentor", ""),
    ProfileField.LANGUAGES: ("Languages you speak", "e.g. en, es"),
}
NO_PROJECTS = "No active projects yet; ask your organizer."
NEEDS_CHOICES = frozenset({ProfileField.CHAPTER_ID, ProfileField.PROJECT_ID})


def asked(playbook: Playbook, step: FormStep | None) -> tuple[ProfileField, ...]:
    """The fields the step collects, in the order the page shows them."""
    return _asked_by_step(playbook).get(step.id, ()) if step is not None else ()


def step_form(
    step: FormStep | None,
    fields: tuple[ProfileField, ...],
    me: Profile,
    choices: Choices,
    sent: Mapping[str, str],
    errors: Mapping[str, str],
) -> StepFormView | None:
    """The form for the member's next step; `sent` and `errors` are a refused submission's, to show again."""
    if step is None or step.kind not in (StepKind.SELF_ATTESTED, StepKind.FORM):
        return None
    made = []
    for field in fields:
        name, (label, hint) = field.value, _LABELS[field]
        error = errors.get(name, "")
        if field is ProfileField.CHAPTER_ID:
            made.append(Field(name, label, error=error, options=choices.chapters))
        elif field is ProfileField.PROJECT_ID:
            made.append(Field(name, label, error=error, options=choices.projects, if_no_options=NO_PROJECTS))
        else:
            value = sent[name] if name in sent else _profile_value(me, field)
            made.append(Field(name, label, hint, value, error))
    return StepFormView(step, tuple(made))


def _profile_value(me: Profile, field: ProfileField) -> str:
    if field is ProfileField.SKILLS:
        return ", ".join(me.skills)
    if field in (ProfileField.DISPLAY_NAME, ProfileField.TIME_ZONE, ProfileField.GITHUB_LOGIN):
        return getattr(me, field.value) or ""
    return ""  # the mentee fields are kept with the mentorship, not the profile


@cache
def _asked_by_step(playbook: Playbook) -> dict[str, tuple[ProfileField, ...]]:
    return {s.id: tuple(f for f in ProfileField if f in s.form) for s in playbook.steps}
