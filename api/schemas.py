"""Request and response shapes of the JSON API (and the forms behind the pages)."""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    field_validator,
)

from domain.contributions import ContributionKind
from domain.roles import Role
from domain.vouching import Relation
from models import MemberStatus, ReviewOutcome

# Records are keyed by PostgreSQL `integer`s: a larger id names nothing, and the database refuses to look.
MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _one_line(value: str) -> str:
    # Names and subjects end up in email headers, which take no line breaks; PostgreSQL takes no NUL.
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value):
        raise ValueError("use one line of text, without line breaks or control characters")
    return value


def _text(value: str) -> str:
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in value):
        raise ValueError("remove the control characters (such as NUL) from the text")
    return value


Line = Annotated[str, AfterValidator(_one_line)]  # a name, a label, a subject
Text = Annotated[str, AfterValidator(_text)]  # a statement, a reason, a message: may span lines


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


def _checkbox(value: Any) -> Any:
    return value in (True, "on", "true", "1", "yes") if isinstance(value, str | bool) else value


class SignupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: Annotated[EmailStr, Field(max_length=254)]
    display_name: Annotated[Line, Field(min_length=1, max_length=80)]
    chapter_id: Annotated[Id | None, BeforeValidator(_blank_is_none)] = None
    reminders: Annotated[bool, BeforeValidator(_checkbox)] = False


class SignInRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: Annotated[EmailStr, Field(max_length=254)]


GITHUB_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")


class StepForm(BaseModel):
    """Fields a form step may collect; each is checked here so the workflow only sees clean values."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    display_name: Annotated[Line, Field(min_length=1, max_length=80)] | None = None
    time_zone: Annotated[Line, Field(max_length=64)] | None = None
    skills: Annotated[Line, Field(max_length=400)] | None = None
    github_login: Annotated[Line, Field(max_length=39)] | None = None
    chapter_id: Annotated[Id | None, BeforeValidator(_blank_is_none)] = None
    project_id: Annotated[Id | None, BeforeValidator(_blank_is_none)] = None
    skills_wanted: Annotated[Line, Field(max_length=400)] | None = None
    goals: Annotated[Text, Field(min_length=1, max_length=500)] | None = None
    languages: Annotated[Line, Field(min_length=2, max_length=100)] | None = None

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None and value not in zoneinfo.available_timezones():
            raise ValueError("use an IANA time zone name such as 'America/Chicago' or 'UTC'")
        return value

    @field_validator("github_login")
    @classmethod
    def _github_login(cls, value: str | None) -> str | None:
        if value is not None and not GITHUB_LOGIN.match(value):
            raise ValueError("a GitHub login has letters, digits and single hyphens, at most 39 characters")
        return value

    @field_validator("skills", "skills_wanted")
    @classmethod
    def _skills(cls, value: str | None) -> str | None:
        if value is not None:
            items = [s.strip() for s in value.split(",") if s.strip()]
            if not items or len(items) > 20 or any(len(s) > 40 for s in items):
                raise ValueError("list 1 to 20 skills separated by commas, each at most 40 characters")
        return value

    def filled(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.model_dump(exclude_none=True).items()}


class VouchBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    statement: Annotated[Text, Field(min_length=1, max_length=500)]
    relation: Relation


class ReasonBody(BaseModel):
    """An organizer's decision about a member (suspend, lift a suspension), with the reason kept on record."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: Annotated[Text, Field(min_length=10, max_length=500)]


class AskBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_ids: Annotated[list[Id], Field(min_length=1, max_length=5)]


class ApprovalBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    level: Annotated[Line, Field(min_length=1, max_length=40)]


class ResolutionBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: ReviewOutcome
    note: Annotated[Text, Field(max_length=500)] = ""


class ContributionIn(BaseModel):
    """One contribution: a merged PR, a review, an event attended, a mentoring session, an organizing task."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: ContributionKind
    at: AwareDatetime | None = None
    ref: Annotated[Line, Field(max_length=120)] | None = (
        None  # what it was part of, e.g. an event name or PR url
    )
    counterpart_id: Id | None = None  # the other member: whose PR was reviewed, who was mentored
    external_id: Annotated[Line, Field(max_length=150)] | None = None  # the source's id, to ignore resends


class MemberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    display_name: str
    email: str
    role: Role
    status: MemberStatus
    chapter_id: int | None
    project_id: int | None
    current_step: str | None
    time_zone: str | None
    skills: list[str]
    signed_up_at: datetime
    last_active_at: datetime
    trust_level: int
    suspended_at: datetime | None


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    kind: str
    actor_id: int | None
    payload: dict[str, Any]


class MemberDetailOut(BaseModel):
    member: MemberOut
    timeline: list[EventOut]


class MemberFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: Annotated[Annotated[Line, Field(max_length=40)] | None, BeforeValidator(_blank_is_none)] = None
    chapter_id: Annotated[Id | None, BeforeValidator(_blank_is_none)] = None
    dormant: Annotated[bool | None, BeforeValidator(_blank_is_none)] = None
