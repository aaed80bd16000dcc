"""The text formats of `perennial trust`: certificates and weighted edges, one per line."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

from domain.errors import MalformedLines
from domain.trust.advogato import Certificate, Level

LEVELS = {level.label.lower(): level for level in Level}


def read_certificates(lines: Iterable[str], source: str = "certificates") -> list[Certificate]:
    """Lines `giver,recipient,Level` (Apprentice, Journeyer or Master); `#` starts a comment."""
    certificates, problems = [], []
    for number, fields in _fields(lines):
        if len(fields) != 3:
            problems.append((number, f"expected giver,recipient,Level but found {len(fields)} field(s)"))
            continue
        giver, recipient, level = fields
        if not giver or not recipient:
            problems.append((number, "giver and recipient must not be empty"))
        elif level.lower() not in LEVELS:
            problems.append((number, f"level {level!r} is not one of Apprentice, Journeyer, Master"))
        elif giver != recipient:  # self-certificates carry nothing
            certificates.append(Certificate(giver, recipient, LEVELS[level.lower()]))
    if problems:
        raise MalformedLines(source, problems)
    return certificates


def read_edges(lines: Iterable[str], source: str = "edges") -> list[tuple[str, str, float]]:
    """Lines `source,target[,weight]`, weight a positive number (default 1); `#` starts a comment."""
    edges, problems = [], []
    for number, fields in _fields(lines):
        if len(fields) not in (2, 3) or not fields[0] or not fields[1]:
            problems.append((number, "expected source,target or source,target,weight"))
            continue
        try:
            weight = float(fields[2]) if len(fields) == 3 else 1.0
        except ValueError:
            problems.append((number, f"weight {fields[2]!r} is not a number"))
            continue
        if not math.isfinite(weight) or weight <= 0:
            problems.append((number, f"weight {fields[2]!r} must be a positive number"))
            continue
        edges.append((fields[0], fields[1], weight))
    if problems:
        raise MalformedLines(source, problems)
    return edges


def _fields(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if line:
            yield number, [field.strip() for field in line.split(",")]
