from __future__ import annotations

import csv
import io

from domain.practice_data import HEADER, volunteers_csv


def test_the_practice_list_is_repeatable_per_seed_and_describes_nobody_real() -> None:
    rows = list(csv.DictReader(io.StringIO(volunteers_csv(seed=7, rows=25))))

    assert volunteers_csv(seed=7, rows=25) == volunteers_csv(seed=7, rows=25)
    assert volunteers_csv(seed=7) != volunteers_csv(seed=8)
    assert tuple(rows[0]) == HEADER and len(rows) == 25
    assert all(r["email"].endswith("@example.invalid") for r in rows)
    assert all(r["phone"].startswith("555-01") for r in rows)
    assert all(r["zip"][:3] in ("000", "999") for r in rows)
