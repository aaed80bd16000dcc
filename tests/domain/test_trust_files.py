"""The text formats of `perennial trust`: what is read, and every bad line reported by number."""

from __future__ import annotations

import pytest

from domain.errors import MalformedLines
from domain.trust.advogato import Certificate, Level
from domain.trust.files import read_certificates, read_edges

A, J, M = Level.APPRENTICE, Level.JOURNEYER, Level.MASTER


def test_certificates_are_read_past_comments_blank_lines_and_spaces() -> None:
    lines = [
        "# giver,recipient,Level",
        "",
        "alice,bob,Master",
        "   ",
        "  bob ,  carol , Journeyer  ",
        "carol,dave,Apprentice  # met at the sprint",
        "\t# indented comment",
        "dave,erin,Master#no space before the comment",
    ]

    assert read_certificates(lines) == [
        Certificate("alice", "bob", M),
        Certificate("bob", "carol", J),
        Certificate("carol", "dave", A),
        Certificate("dave", "erin", M),
    ]


@pytest.mark.parametrize(
    ("spelled", "level"),
    [("master", M), ("MASTER", M), ("mAsTeR", M), ("journeyer", J), ("JOURNEYER", J), ("apprentice", A)],
)
def test_level_names_are_read_whatever_their_case(spelled: str, level: Level) -> None:
    assert read_certificates([f"a,b,{spelled}"]) == [Certificate("a", "b", level)]


def test_self_certificates_are_dropped() -> None:
    lines = ["a,a,Master", "a,b,Master", " b , b ,Apprentice", "b,a,Journeyer"]

    assert read_certificates(lines) == [Certificate("a", "b", M), Certificate("b", "a", J)]


def test_account_names_keep_their_case() -> None:
    assert read_certificates(["Alice,alice,Master"]) == [Certificate("Alice", "alice", M)]


def test_an_input_of_comments_only_reads_as_nothing() -> None:
    assert read_certificates(["# nothing yet", "", "   "]) == []
    assert read_edges(["# nothing yet", ""]) == []


def test_every_malformed_certificate_line_is_reported_with_its_number() -> None:
    lines = [
        "# header",  # 1
        "a,b,Master",  # 2
        "a,b",  # 3: two fields
        "a,b,Master,extra",  # 4: four fields
        "a,b,Wizard",  # 5: unknown level
        ",b,Master",  # 6: empty giver
        "a, ,Master",  # 7: empty recipient
        "",  # 8
        "a,b,",  # 9: empty level
        "a;b;Master",  # 10: one field
        "b,c,Journeyer",  # 11
        "c,c,Grandmaster",  # 12: an unknown level even on a self-certificate
    ]

    with pytest.raises(MalformedLines) as raised:
        read_certificates(lines, "certs.csv")

    assert [n for n, _ in raised.value.problems] == [3, 4, 5, 6, 7, 9, 10, 12]
    message = str(raised.value)
    assert message.startswith("certs.csv: 8 malformed line(s):\n")
    for number in (3, 4, 5, 6, 7, 9, 10, 12):
        assert f"  line {number}: " in message
    assert "line 2:" not in message
    assert "line 11:" not in message
    assert dict(raised.value.problems)[3] == "expected giver,recipient,Level but found 2 field(s)"
    assert dict(raised.value.problems)[5] == "level 'Wizard' is not one of Apprentice, Journeyer, Master"
    assert dict(raised.value.problems)[6] == "giver and recipient must not be empty"


def test_more_than_twenty_bad_lines_are_counted_past_the_first_twenty() -> None:
    with pytest.raises(MalformedLines) as raised:
        read_certificates(["a,b,Nope"] * 25)

    assert [n for n, _ in raised.value.problems] == list(range(1, 26))
    message = str(raised.value)
    assert "  line 20: " in message
    assert "  line 21: " not in message
    assert message.endswith("\n  ... and 5 more")


def test_edges_are_read_with_weights_defaulting_to_one() -> None:
    lines = [
        "# source,target[,weight]",
        "a,b",
        " b , c , 2.5 ",
        "",
        "c,a,3  # trailing comment",
        "a,c,1e-3",
        "c,b,+4",
    ]

    assert read_edges(lines) == [
        ("a", "b", 1.0),
        ("b", "c", 2.5),
        ("c", "a", 3.0),
        ("a", "c", 0.001),
        ("c", "b", 4.0),
    ]


@pytest.mark.parametrize(
    "bad",
    [
        "a",
        "a,b,1,2",
        ",b",
        "a,",
        " , ,1",
        "a,b,heavy",
        "a,b,",
        "a,b,0",
        "a,b,-0",
        "a,b,-2",
        "a,b,inf",
        "a,b,-inf",
        "a,b,nan",
        "a,b,1e400",
    ],
)
def test_a_malformed_edge_line_is_reported_with_its_number(bad: str) -> None:
    lines = ["# edges", "a,b,1", "", bad, "b,c"]

    with pytest.raises(MalformedLines) as raised:
        read_edges(lines, "edges.csv")

    assert [n for n, _ in raised.value.problems] == [4]
    assert str(raised.value).startswith("edges.csv: 1 malformed line(s):\n  line 4: ")


def test_every_malformed_edge_line_is_reported_at_once() -> None:
    lines = ["a,b,x", "a,b", "a,b,0", "a", "a,b,-1", "a,b,2", "a,b,inf", ",b"]

    with pytest.raises(MalformedLines) as raised:
        read_edges(lines)

    assert [n for n, _ in raised.value.problems] == [1, 3, 4, 5, 7, 8]
    assert dict(raised.value.problems)[1] == "weight 'x' is not a number"
    assert dict(raised.value.problems)[3] == "weight '0' must be a positive number"
    assert str(raised.value).startswith("edges: 6 malformed line(s):\n")
