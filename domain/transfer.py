"""CSV in and out: the columns organizing tools (Action Network, Mobilize, Parsons tables) read and write,
the header names they use for the same thing, and row-by-row validation that names the line and reason."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    ValidationError,
    field_validator,
)

from domain.contributions import ContributionKind

MAX_ROWS = 50_000
MEMBER_COLUMNS = (
    "email", "first_name", "last_name", "display_name", "chapter", "skills", "github_login", "time_zone",
    "email_opt_in", "role", "status", "current_step", "trust_level", "signed_up_at", "last_active_at",
)  # fmt: skip
EVENT_COLUMNS = ("email", "kind", "occurred_at", "ref", "external_id", "member_id", "event_id", "recorded_by")
# Other tools' names for our columns (compared after lower-casing, with spaces and dashes as underscores).
MEMBER_ALIASES = {
    "email": ("email", "email_address", "e_mail", "primary_email"),
    "first_name": ("first_name", "given_name", "first"),
    "last_name": ("last_name", "family_name", "last", "surname"),
    "display_name": ("display_name", "name", "full_name"),
    "chapter": ("chapter", "group", "local_group", "chapter_name"),
    "skills": ("skills", "tags"),
    "github_login": ("github_login", "github", "github_username"),
    "time_zone": ("time_zone", "timezone", "tz"),
    "email_opt_in": ("email_opt_in", "can_email", "subscribed", "email_subscribed", "opt_in"),
}
EVENT_ALIASES = {
    "email": ("email", "email_address", "e_mail", "member_email"),
    "kind": ("kind", "type", "activity", "contribution_kind"),
    "occurred_at": ("occurred_at", "at", "date", "timeslot_start", "start_date", "attended_at", "created_at"),
    "ref": ("ref", "event_name", "event_title", "event", "title"),
    "external_id": ("external_id", "id", "attendance_id", "participation_id", "shift_id"),
}
TRUE_WORDS = {"true", "yes", "y", "1", "subscribed", "t"}
FALSE_WORDS = {"false", "no", "n", "0", "unsubscribed", "f", ""}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Row = TypeVar("Row", bound="BaseModel")


@dataclass(frozen=True)
class RowError:
    line: int  # as a spreadsheet shows it: the header is line 1
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


@dataclass
class Parsed(Generic[Row]):
    rows: list[tuple[int, Row]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def _blank_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _flag(value: object) -> object:
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    return value


def _words(value: object) -> object:
    if isinstance(value, str):
        return [w.strip() for w in re.split(r"[;,]", value) if w.strip()]
    return value


def _moment(value: object) -> object:
    """ISO 8601, or a plain date; a time without a zone is read as UTC, as the tools export it."""
    if isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return value
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value


Optional = Annotated[str | None, BeforeValidator(_blank_is_none)]
Skill = Annotated[str, Field(max_length=40)]


class MemberRow(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")
    email: EmailStr
    first_name: Annotated[Optional, Field(max_length=40)] = None
    last_name: Annotated[Optional, Field(max_length=40)] = None
    display_name: Annotated[Optional, Field(max_length=80)] = None
    chapter: Annotated[Optional, Field(max_length=120)] = None
    skills: Annotated[
        list[Annotated[str, Field(max_length=40)]], BeforeValidator(_words), Field(max_length=20)
    ] = []
    github_login: Annotated[Optional, Field(max_length=39, pattern=r"^[A-Za-z0-9-]+$")] = None
    time_zone: Annotated[Optional, Field(max_length=64)] = None
    email_opt_in: Annotated[bool, BeforeValidator(_flag)] = False

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"'{value}' is not a time zone name such as America/Detroit") from None
        return value

    @property
    def name(self) -> str | None:
        joined = " ".join(p for p in (self.first_name, self.last_name) if p)
        return self.display_name or joined or None


class EventRow(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")
    email: EmailStr
    kind: ContributionKind
    occurred_at: Annotated[AwareDatetime, BeforeValidator(_moment)]
    ref: Annotated[Optional, Field(max_length=120)] = None
    external_id: Annotated[Optional, Field(max_length=150)] = None


def parse(
    text: str, model: type[Row], aliases: Mapping[str, tuple[str, ...]], defaults: Mapping[str, str] = {}
) -> Parsed[Row]:
    """Every row validated; every bad one reported with its line. Nothing is written here."""
    result: Parsed[Row] = Parsed()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))  # spreadsheets often start with a BOM
    header = next(reader, None)
    if not header:
        result.errors.append(
            RowError(1, "header", "The file is empty; the first line must name the columns.")
        )
        return result
    columns, result.ignored_columns = _map_header(header, aliases)
    required = [
        name for name, info in model.model_fields.items() if info.is_required() and name not in defaults
    ]
    missing = [name for name in required if name not in columns.values()]
    if missing:
        known = ", ".join(aliases[m][0] + " (or " + ", ".join(aliases[m][1:]) + ")" for m in missing)
        result.errors.append(RowError(1, "header", f"Missing required column: {known}."))
        return result
    line = reader.line_num
    for count, cells in enumerate(reader, start=1):
        start, line = line + 1, reader.line_num
        if count > MAX_ROWS:
            result.errors.append(RowError(start, "file", f"More than {MAX_ROWS} rows; split the file."))
            break
        if not any(c.strip() for c in cells):
            continue
        data: dict[str, Any] = dict(defaults)
        data.update({columns[i]: cell for i, cell in enumerate(cells) if i in columns and cell.strip()})
        try:
            result.rows.append((start, model.model_validate(data)))
        except ValidationError as exc:
            result.errors.extend(_row_errors(start, exc))
    return result


def _map_header(
    header: list[str], aliases: Mapping[str, tuple[str, ...]]
) -> tuple[dict[int, str], list[str]]:
    lookup = {alias: name for name, names in aliases.items() for alias in names}
    columns: dict[int, str] = {}
    ignored = []
    for i, raw in enumerate(header):
        name = lookup.get(re.sub(r"[\s\-]+", "_", raw.strip().lower()))
        if name is None or name in columns.values():
            ignored.append(raw)
        else:
            columns[i] = name
    return columns, ignored


def _row_errors(line: int, exc: ValidationError) -> Iterator[RowError]:
    for error in exc.errors():
        where = str(error["loc"][0]) if error["loc"] else "row"
        yield RowError(line, where, error["msg"].removeprefix("Value error, "))


def csv_text(columns: Iterable[str], rows: Iterable[Mapping[str, object]]) -> Iterator[str]:
    """CSV lines, with any cell a spreadsheet would run as a formula made inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_inert(row.get(c)) for c in columns])
        yield buffer.getvalue()


def _inert(value: object) -> str:
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def split_name(display_name: str) -> tuple[str, str]:
    """First and last name for tools that want them apart; everything after the first word is 'last'."""
    first, _, rest = display_name.strip().partition(" ")
    return first, rest.strip()
