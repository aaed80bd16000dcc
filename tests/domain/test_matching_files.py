from __future__ import annotations

import csv
import io

import pytest

from domain.errors import MalformedLines
from domain.matching import Proposal
from domain.matching_files import read_mentees, read_mentors, write_proposals

MENTORS = "id,skills,capacity,timezone,languages\nm1,Python; SQL,2,Europe/Berlin,en;de\n"


def test_rows_are_read_with_lists_split_and_lowered() -> None:
    [mentor] = read_mentors(MENTORS, "mentors.csv")
    assert (mentor.id, mentor.skills, mentor.capacity, mentor.languages) == (
        "m1",
        ("python", "sql"),
        2,
        ("en", "de"),
    )


def test_every_bad_row_is_reported_with_its_line_number() -> None:
    text = "id,skills,timezone,languages\na,python,Europe/Paris,en\n,python,Mars/Base,\na,go,UTC,en\nb,go\n"
    with pytest.raises(MalformedLines) as failure:
        read_mentees(text, "mentees.csv")

    assert [n for n, _ in failure.value.problems] == [3, 4, 5]
    reasons = dict(failure.value.problems)
    assert "the id is empty" in reasons[3] and "'Mars/Base' is not an IANA name" in reasons[3]
    assert reasons[4] == "id 'a' appears again (first on line 2)"
    assert reasons[5].startswith("expected 4 columns")


def test_a_wrong_header_names_the_expected_one() -> None:
    with pytest.raises(MalformedLines, match="the header must be id,skills,capacity,timezone,languages"):
        read_mentors("id,skills\n", "mentors.csv")


def test_proposals_are_written_with_an_empty_mentor_for_the_unplaced() -> None:
    text = write_proposals(
        [
            Proposal("a", "m1", 0.5, ("skills 0.50", "language: en")),
            Proposal("b", None, 0.0, ("no mentor shares a language with them",)),
        ]
    )

    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["mentee", "mentor", "score", "reasons"],
        ["a", "m1", "0.5000", "skills 0.50; language: en"],
        ["b", "", "0.0000", "no mentor shares a language with them"],
    ]
