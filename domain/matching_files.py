"""Reading mentor and mentee CSV files (`id,skills,capacity,timezone,languages` and
`id,skills,timezone,languages`; skills and languages `;`-separated, IANA time zones), and writing
proposals as `mentee,mentor,score,reasons`. Every bad row is reported with its line number."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from functools import cache
from zoneinfo import available_timezones

from domain.errors import MalformedLines
from domain.matching import Mentee, Mentor, Proposal

MENTOR_COLUMNS = ("id", "skills", "capacity", "timezone", "languages")
MENTEE_COLUMNS = ("id", "skills", "timezone", "languages")


def read_mentors(text: str, source: str) -> list[Mentor]:
    rows, problems = _rows(text, source, MENTOR_COLUMNS)
    mentors = []
    for line, row in rows:
        why = _common(row)
        capacity = row["capacity"].strip()
        if not capacity.isdigit():
            why.append(f"capacity {capacity!r} is not a whole number of mentees (0 or more)")
        if why:
            problems.append((line, "; ".join(why)))
            continue
        mentors.append(
            Mentor(
                row["id"].strip(),
                _list(row["skills"]),
                int(capacity),
                row["timezone"].strip(),
                _list(row["languages"]),
            )
        )
    _raise(source, problems, [m.id for m in mentors], rows)
    return mentors


def read_mentees(text: str, source: str) -> list[Mentee]:
    rows, problems = _rows(text, source, MENTEE_COLUMNS)
    mentees = []
    for line, row in rows:
        if why := _common(row):
            problems.append((line, "; ".join(why)))
            continue
        mentees.append(
            Mentee(row["id"].strip(), _list(row["skills"]), row["timezone"].strip(), _list(row["languages"]))
        )
    _raise(source, problems, [m.id for m in mentees], rows)
    return mentees


def write_proposals(proposals: Sequence[Proposal]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("mentee", "mentor", "score", "reasons"))
    for p in proposals:
        writer.writerow((p.mentee, p.mentor or "", f"{p.score:.4f}", "; ".join(p.reasons)))
    return out.getvalue()


def _rows(
    text: str, source: str, columns: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(h.strip() for h in reader.fieldnames or ())
    if header != columns:
        raise MalformedLines(
            source, [(1, f"the header must be {','.join(columns)}, not {','.join(header) or 'empty'}")]
        )
    rows, problems = [], []
    for row in reader:
        line = reader.line_num
        if None in row or any(v is None for v in row.values()):
            problems.append((line, f"expected {len(columns)} columns: {','.join(columns)}"))
            continue
        rows.append((line, {k.strip(): v for k, v in row.items()}))
    return rows, problems


def _common(row: dict[str, str]) -> list[str]:
    why = []
    if not row["id"].strip():
        why.append("the id is empty")
    zone = row["timezone"].strip()
    if zone not in _zones():
        why.append(f"time zone {zone!r} is not an IANA name such as Europe/Berlin")
    if not _list(row["languages"]):
        why.append("list at least one language")
    return why


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones() | {"UTC"})


def _list(value: str) -> tuple[str, ...]:
    return tuple(v.strip().lower() for v in value.split(";") if v.strip())


def _raise(
    source: str, problems: list[tuple[int, str]], ids: list[str], rows: list[tuple[int, dict[str, str]]]
) -> None:
    seen: dict[str, int] = {}
    for line, row in rows:
        key = row["id"].strip()
        if key in seen and key in ids:
            problems.append((line, f"id {key!r} appears again (first on line {seen[key]})"))
        seen.setdefault(key, line)
    if problems:
        raise MalformedLines(source, sorted(problems))
