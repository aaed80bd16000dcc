"""Reading other tools' CSV headers, reporting bad rows by line, and writing CSV spreadsheets cannot run."""

from __future__ import annotations

import csv
import io

from domain import transfer
from domain.transfer import EventRow, MemberRow

ACTION_NETWORK = """Email Address,First Name,Last Name,Zip Code,can_email,Tags
ada@example.org,Ada,Lovelace,48201,yes,python;organizing
"grace@example.org","Grace","Hopper
(Admiral)",48202,no,
not-an-email,Alan,Turing,48203,maybe,
"""


def test_another_tools_headers_are_understood_and_bad_rows_named_by_their_line() -> None:
    parsed = transfer.parse(ACTION_NETWORK, MemberRow, transfer.MEMBER_ALIASES)
    assert parsed.ignored_columns == ["Zip Code"]
    assert [(line, row.email, row.name, row.email_opt_in) for line, row in parsed.rows] == [
        (2, "ada@example.org", "Ada Lovelace", True),
        (3, "grace@example.org", "Grace Hopper\n(Admiral)", False),
    ]
    assert parsed.rows[0][1].skills == ["python", "organizing"]
    # The quoted name spans lines 3 and 4, so the bad row starts on line 5, as a text editor shows it.
    assert [(e.line, e.field) for e in parsed.errors] == [(5, "email"), (5, "email_opt_in")]


def test_missing_columns_and_empty_files_say_what_to_add() -> None:
    [error] = transfer.parse("name,zip\nAda,1\n", MemberRow, transfer.MEMBER_ALIASES).errors
    assert (error.line, error.field) == (1, "header") and "email (or email_address" in error.message
    [empty] = transfer.parse("", MemberRow, transfer.MEMBER_ALIASES).errors
    assert "the first line must name the columns" in empty.message


def test_events_take_a_default_kind_read_dates_as_utc_and_refuse_unknown_zones() -> None:
    mobilize = "email,event_title,timeslot_start,attendance_id\na@example.org,Canvass,2026-10-03,m-1\n"
    parsed = transfer.parse(mobilize, EventRow, transfer.EVENT_ALIASES, {"kind": "canvass_shift"})
    [(line, row)] = parsed.rows
    assert (line, row.kind.value, row.ref, row.external_id) == (2, "canvass_shift", "Canvass", "m-1")
    assert row.occurred_at.isoformat() == "2026-10-03T00:00:00+00:00"
    bad = transfer.parse(
        "email,time_zone,name\na@example.org,Mars/Olympus,A\n", MemberRow, transfer.MEMBER_ALIASES
    )
    assert [(e.line, e.field) for e in bad.errors] == [(2, "time_zone")]


def test_exported_cells_that_a_spreadsheet_would_run_are_made_inert() -> None:
    rows = [{"email": "x@example.org", "display_name": '=HYPERLINK("http://evil","click")'}]
    text = "".join(transfer.csv_text(["email", "display_name"], rows))
    [_, cells] = list(csv.reader(io.StringIO(text)))
    assert cells == ["x@example.org", '\'=HYPERLINK("http://evil","click")']
    assert transfer.split_name("Mary Ann Evans") == ("Mary", "Ann Evans")
