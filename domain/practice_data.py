"""A practice dataset for a newcomer's sandbox: shaped like a campaign's volunteer list, about nobody.

Names are drawn from invented syllables, emails use the reserved example.invalid domain, phone numbers
the 555-01xx range set aside for fiction, so nothing here can reach or describe a real person.
"""

from __future__ import annotations

import csv
import io
import random

SYLLABLES = ("ka", "lo", "mi", "ren", "sa", "tu", "vel", "zo", "bri", "dan", "el", "fen", "ja", "no")
SKILLS = ("canvassing", "phone banking", "data entry", "python", "design", "translation", "driving")
ZIP_PREFIXES = ("000", "999")  # not assigned to any place
HEADER = ("volunteer_id", "first_name", "last_name", "email", "phone", "zip", "skills", "shifts_done")


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def volunteers_csv(seed: int, rows: int = 60) -> str:
    """The same seed gives the same file, so a sandbox's exercises can refer to its rows."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for n in range(1, rows + 1):
        first, last = _word(rng, 2), _word(rng, 3)
        writer.writerow(
            (
                f"V{n:04d}",
                first,
                last,
                f"{first}.{last}.{n}@example.invalid".lower(),
                f"555-01{rng.randrange(100):02d}",
                f"{rng.choice(ZIP_PREFIXES)}{rng.randrange(100):02d}",
                ";".join(sorted(rng.sample(SKILLS, rng.randint(1, 3)))),
                rng.randint(0, 40),
            )
        )
    return out.getvalue()
