"""The community policy file: what organizers decide, validated before anything starts."""

from __future__ import annotations

import enum
import tomllib
from pathlib import Path
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from domain.access import AccessPolicy
from domain.cycles import RetentionPolicy
from domain.errors import PolicyError
from domain.mentorship import MentorshipPolicy
from domain.trust.levels import LevelsPolicy
from domain.vouching import VouchPolicy

StepId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Days = Annotated[int, Field(ge=1, le=366)]


class StepKind(enum.StrEnum):
    SELF_ATTESTED = "self-attested"
    FORM = "form"
    ACTIVITY_CHECKED = "activity-checked"
    APPROVAL = "approval"


class ProfileField(enum.StrEnum):
    """Member fields a form step may collect."""

    DISPLAY_NAME = "display_name"
    TIME_ZONE = "time_zone"
    SKILLS = "skills"
    GITHUB_LOGIN = "github_login"
    CHAPTER_ID = "chapter_id"
    PROJECT_ID = "project_id"
    # Mentee needs, for a playbook step that asks for a mentor (stored with the mentorship records).
    SKILLS_WANTED = "skills_wanted"
    GOALS = "goals"
    LANGUAGES = "languages"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Step(_Frozen):
    id: StepId
    title: Annotated[str, Field(min_length=1, max_length=120)]
    help: Annotated[str, Field(max_length=2000)] = ""
    links: tuple[Annotated[str, Field(pattern=r"^https?://")], ...] = ()
    kind: StepKind = StepKind.SELF_ATTESTED
    form: tuple[ProfileField, ...] = ()
    due_after_days: Days = 7
    reminder_days: tuple[Days, ...] = (3, 7)

    @model_validator(mode="after")
    def _form_fields_only_on_form_steps(self) -> Self:
        if self.kind is StepKind.FORM and not self.form:
            raise ValueError(f"step '{self.id}' is a form step: list the fields it collects in 'form'")
        if self.kind is not StepKind.FORM and self.form:
            raise ValueError(f"step '{self.id}' has 'form' fields but kind '{self.kind}'; use kind 'form'")
        if list(self.reminder_days) != sorted(set(self.reminder_days)):
            raise ValueError(
                f"step '{self.id}': reminder_days {list(self.reminder_days)} must be strictly increasing"
            )
        return self


class IdleRules(_Frozen):
    """When an idle member is escalated to their organizer, and when they count as dormant."""

    escalate_after_days: Days = 10
    dormant_after_days: Days = 30


class CommunityInfo(_Frozen):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    code_of_conduct_url: Annotated[str, Field(pattern=r"^https?://")]


class Playbook(_Frozen):
    steps: tuple[Step, ...]
    idle: IdleRules = IdleRules()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not self.steps:
            raise ValueError("the playbook needs at least one step")
        ids = [step.id for step in self.steps]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"step ids must be unique; repeated: {', '.join(duplicates)}")
        if "signup" in ids:
            raise ValueError("'signup' is recorded automatically; remove it from the playbook steps")
        for step in self.steps:
            late = [d for d in step.reminder_days if d >= self.idle.escalate_after_days]
            if late:
                raise ValueError(
                    f"step '{step.id}': reminder_days {late} must come before "
                    f"escalate_after_days ({self.idle.escalate_after_days})"
                )
        if self.idle.escalate_after_days >= self.idle.dormant_after_days:
            raise ValueError(
                f"idle.escalate_after_days ({self.idle.escalate_after_days}) must be less than "
                f"idle.dormant_after_days ({self.idle.dormant_after_days})"
            )
        return self

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


class CommunityPolicy(_Frozen):
    community: CommunityInfo
    playbook: Playbook
    trust: LevelsPolicy = LevelsPolicy()
    vouching: VouchPolicy = VouchPolicy()
    access: AccessPolicy = AccessPolicy()
    mentorship: MentorshipPolicy = MentorshipPolicy()
    retention: RetentionPolicy = RetentionPolicy()

    @model_validator(mode="after")
    def _access_levels_exist(self) -> Self:
        names = [level.name for level in self.trust.levels]
        for target in self.access.targets:
            for rung in target.rungs:
                if rung.min_level not in names:
                    raise ValueError(
                        f"access.targets '{target.key}' rung {rung.permission.value}: min_level "
                        f"'{rung.min_level}' is not a trust level; levels are {', '.join(names)}"
                    )
        return self

    @model_validator(mode="after")
    def _voucher_level_exists(self) -> Self:
        if self.vouching.min_voucher_level >= len(self.trust.levels):
            raise ValueError(
                f"vouching.min_voucher_level {self.vouching.min_voucher_level} names no level; "
                f"levels are numbered 0 to {len(self.trust.levels) - 1}"
            )
        return self


def parse_policy(text: str, source: str = "policy") -> CommunityPolicy:
    """Parse TOML text into a policy; a PolicyError names the field, the value and what is allowed."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: not valid TOML: {exc}") from exc
    try:
        return CommunityPolicy.model_validate(raw)
    except ValidationError as exc:
        raise PolicyError(f"{source}: invalid policy:\n{_explain(exc, raw)}") from exc


def load_policy(path: Path) -> CommunityPolicy:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"policy file '{path}' cannot be read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise PolicyError(
            f"policy file '{path}' is not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from exc
    return parse_policy(text, source=str(path))


def _explain(exc: ValidationError, raw: object) -> str:
    lines = []
    for error in exc.errors():
        field = ".".join(_label(raw, error["loc"])) or "(top level)"
        value = error.get("input")
        if error["type"] == "value_error" and isinstance(value, dict | list):
            # A rule across several fields: its message names them and their values.
            lines.append(f"  - {field}: {error['msg'].removeprefix('Value error, ')}")
            continue
        shown = "(missing)" if error["type"] == "missing" else repr(value)
        lines.append(f"  - {field} = {shown}: {error['msg']}")
    return "\n".join(lines)


def _label(raw: object, loc: tuple[int | str, ...]) -> list[str]:
    """Turn ('playbook', 'steps', 2, 'kind') into playbook.steps[2 'profile'].kind for humans (id or name)."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int) and parts:
            item = node[key] if isinstance(node, list) and isinstance(node[key], dict) else {}
            step_id = item.get("id") or item.get("name")
            parts[-1] += f"[{key}{' ' + repr(step_id) if step_id else ''}]"
        else:
            parts.append(str(key))
        if isinstance(node, dict | list):
            try:
                node = node[key]  # type: ignore[index]
            except (KeyError, IndexError, TypeError):
                node = None
    return parts
