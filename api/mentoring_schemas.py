"""Request bodies of the mentoring API and forms: profiles, needs, check-ins, feedback, confirmations."""

from __future__ import annotations

import zoneinfo
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from api.schemas import Id, Line, Text


def _split(value: Any) -> Any:
    return [v.strip().lower() for v in value.split(";") if v.strip()] if isinstance(value, str) else value


Words = Annotated[
    list[Annotated[Line, Field(min_length=1, max_length=40)]], BeforeValidator(_split), Field(max_length=20)
]


class _Located(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    time_zone: Annotated[Line, Field(max_length=64)]
    languages: Annotated[Words, Field(min_length=1)]

    @field_validator("time_zone")
    @classmethod
    def _iana(cls, value: str) -> str:
        if value not in zoneinfo.available_timezones() | {"UTC"}:
            raise ValueError(f"'{value}' is not an IANA time zone such as Europe/Berlin")
        return value


class MentorProfileIn(_Located):
    skills: Annotated[Words, Field(min_length=1)]
    capacity: Annotated[int, Field(ge=0, le=20)] = 2
    availability: Annotated[Text, Field(max_length=200)] = ""
    active: bool = True


class MenteeNeedsIn(_Located):
    skills_wanted: Annotated[Words, Field(min_length=1)]
    goals: Annotated[Text, Field(max_length=500)] = ""


class CheckInIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    went_well: Annotated[Text, Field(max_length=500)]
    blocked_on: Annotated[Text, Field(max_length=500)] = ""


class TextIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    text: Annotated[Text, Field(max_length=500)]
    new_mentor_id: Id | None = None


class Pair(BaseModel):
    mentee_id: Id
    mentor_id: Id


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pairs: Annotated[list[Pair], Field(min_length=1, max_length=2000)]
