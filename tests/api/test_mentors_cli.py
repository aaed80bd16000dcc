"""`perennial mentors match`, exactly as evaluation scripts call it."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app


def test_matching_from_csv_files_writes_every_mentee_with_a_mentor_or_the_reason(tmp_path: Path) -> None:
    mentors = tmp_path / "mentors.csv"
    mentees = tmp_path / "mentees.csv"
    out = tmp_path / "out.csv"
    mentors.write_text("id,skills,capacity,timezone,languages\nm1,python;sql,1,Europe/Berlin,en;de\n")
    mentees.write_text(
        "id,skills,timezone,languages\na,python,Europe/Paris,en\nb,sql,Europe/Paris,de\nc,go,Asia/Tokyo,ja\n"
    )

    result = CliRunner().invoke(
        app, ["mentors", "match", "--mentors", str(mentors), "--mentees", str(mentees), "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert [r["mentee"] for r in rows] == ["a", "b", "c"]
    assert sum(r["mentor"] == "m1" for r in rows) == 1  # capacity 1
    assert rows[2]["mentor"] == "" and rows[2]["reasons"] == "no mentor shares a language with them"


def test_bad_rows_stop_the_run_with_their_line_numbers(tmp_path: Path) -> None:
    mentors = tmp_path / "mentors.csv"
    mentors.write_text("id,skills,capacity,timezone,languages\nm1,python,-1,Europe/Berlin,en\n")
    mentees = tmp_path / "mentees.csv"
    mentees.write_text("id,skills,timezone,languages\n")

    result = CliRunner().invoke(
        app,
        [
            "mentors",
            "match",
            "--mentors",
            str(mentors),
            "--mentees",
            str(mentees),
            "--out",
            str(tmp_path / "o"),
        ],
    )

    assert result.exit_code == 2
    assert "line 2: capacity '-1' is not a whole number" in result.output
    assert not (tmp_path / "o").exists()
