"""CSV in and out through the app: all-or-nothing imports that name each bad line, exports that our own
importer and organizing tools read, integrations with scoped tokens."""

from __future__ import annotations

import csv
import io

import httpx
from sqlalchemy import func, select

from domain.api_tokens import Scope
from domain.roles import Role
from domain.transfer import MEMBER_COLUMNS
from models import Event, Member
from tests.api.conftest import Site
from tests.api.test_tokens import bearer, make_token
from tests.factories import csrf, eventually

MEMBERS = """email,first_name,last_name,chapter,skills,email_opt_in,time_zone
ada@example.org,Ada,Lovelace,Detroit,python;data,yes,America/Detroit
bad-address,Bad,Row,Detroit,,no,
grace@example.org,Grace,Hopper,,,no,
ada@example.org,Ada,Again,,,no,
katherine@example.org,Katherine,Johnson,Atlantis,,no,
"""


def count_members(site: Site) -> int:
    with site.db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Member)) or 0)


async def upload(client: httpx.AsyncClient, path: str, text: str, **fields: str) -> httpx.Response:
    files = {"file": ("people.csv", text.encode(), "text/csv")}
    headers = {"x-csrftoken": client.cookies.get("csrftoken", "")}
    return await client.post(path, files=files, data=fields, headers=headers)


async def test_a_file_with_bad_rows_changes_nothing_and_names_every_line(site: Site) -> None:
    site.db.chapter("Detroit")
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    before = count_members(site)
    async with site.client() as client:
        await client.get("/signin")
        await site.sign_in_as(client, lead)
        refused = await upload(client, "/api/import/members", MEMBERS)
        assert refused.status_code == 422
        assert [(e["line"], e["field"]) for e in refused.json()["errors"]] == [
            (3, "email"),
            (5, "email"),
            (6, "chapter"),
        ]
        assert refused.json()["errors"][1]["message"] == "The same email is on line 2."
        assert count_members(site) == before, "all or nothing"

        fixed = "\n".join(line for n, line in enumerate(MEMBERS.splitlines(), 1) if n not in (3, 5, 6))
        checked = await upload(client, "/api/import/members", fixed, dry_run="true")
        assert (checked.status_code, checked.json()["created"], checked.json()["written"]) == (200, 2, False)
        assert count_members(site) == before
        imported = await upload(client, "/api/import/members", fixed)
        assert (imported.status_code, imported.json()["created"]) == (201, 2)
        again = await upload(client, "/api/import/members", fixed)
        assert (again.json()["created"], again.json()["unchanged"]) == (0, 2)

    with site.db.sessions() as s:
        ada = s.scalars(select(Member).where(Member.email == "ada@example.org")).one()
        audit = s.scalars(select(Event).where(Event.kind == "member.imported")).all()
    assert (ada.display_name, ada.skills, ada.time_zone, ada.consented_to("reminders")) == (
        "Ada Lovelace",
        ["python", "data"],
        "America/Detroit",
        True,
    )
    assert len(audit) == 2 and {e.actor_id for e in audit} == {lead.id}


async def test_the_member_export_reads_back_into_the_importer_and_is_safe_in_a_spreadsheet(
    site: Site,
) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    await site.member_with_journey("sly@example.org", display_name="=cmd|' /C calc'!A0")
    token = await make_token(site, lead, Scope.READ_MEMBERS)
    async with site.client() as integration:
        exported = await integration.get("/api/export/members.csv", headers=bearer(token))
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert tuple(rows[0].keys()) == MEMBER_COLUMNS
    sly = next(r for r in rows if r["email"] == "sly@example.org")
    assert sly["display_name"].startswith("'=") and sly["first_name"].startswith("'=")

    async with site.client() as client:
        await client.get("/signin")
        await site.sign_in_as(client, lead)
        # Display names were written inert; read back, they are already here by email: nothing changes.
        again = await upload(client, "/api/import/members", exported.text)
        assert again.status_code == 201, again.text
        assert (again.json()["created"], again.json()["unchanged"]) == (0, len(rows))


async def test_an_integration_imports_a_mobilize_attendance_export_once(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    volunteer = await site.member_with_journey("vol@example.org")
    token = await make_token(site, lead, Scope.WRITE_EVENTS, Scope.READ_MEMBERS)
    attendance = (
        "email,event_title,timeslot_start,attendance_id\n"
        "VOL@example.org,Ward 4 canvass,2026-10-03T14:00:00Z,att-1\n"
        "vol@example.org,Phone bank,2026-10-05,att-2\n"
    )
    async with site.client() as integration:
        integration.headers.update(bearer(token))
        first = await upload(
            integration, "/api/import/contributions", attendance, default_kind="event_attended"
        )
        assert (first.status_code, first.json()["created"]) == (201, 2), first.text
        resent = await upload(
            integration, "/api/import/contributions", attendance, default_kind="event_attended"
        )
        assert (resent.json()["created"], resent.json()["unchanged"]) == (0, 2)
        stranger = attendance + "nobody@example.org,Canvass,2026-10-06,att-3\n"
        refused = await upload(
            integration, "/api/import/contributions", stranger, default_kind="event_attended"
        )
        assert refused.status_code == 422 and refused.json()["errors"][0]["line"] == 4
        exported = await integration.get("/api/export/contributions.csv")
    recorded = site.db.events(volunteer.id, "contribution.event_attended")
    assert [e.payload.get("ref") for e in recorded] == ["Ward 4 canvass", "Phone bank"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert {r["external_id"] for r in rows} == {"att-1", "att-2"}


async def test_the_page_imports_with_a_form_upload(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    async with site.client() as browser:
        await site.sign_in_as(browser, lead)
        page = await browser.get("/transfer")
        assert page.status_code == 200
        files = {"file": ("people.csv", b"email,name\nlin@example.org,Lin\nnope,Nope\n", "text/csv")}
        answer = await browser.post("/transfer/members", files=files, data={"csrftoken": csrf(page)})
        assert (
            answer.status_code == 422
            and "line 3, email" in answer.text
            and "Nothing was imported" in answer.text
        )
        files = {"file": ("people.csv", b"email,name\nlin@example.org,Lin\n", "text/csv")}
        answer = await browser.post("/transfer/members", files=files, data={"csrftoken": csrf(page)})
        assert answer.status_code == 200 and "Imported" in answer.text


async def test_an_imported_member_can_ask_for_a_sign_in_link(site: Site) -> None:
    lead = await site.member_with_journey("lead@example.org", role=Role.ORGANIZER)
    async with site.client() as client:
        await client.get("/signin")
        await site.sign_in_as(client, lead)
        imported = await upload(client, "/api/import/members", "email,name\nnew@example.org,New Person\n")
        assert imported.status_code == 201
    async with site.client() as anonymous:
        asked = await anonymous.post("/api/session/link", json={"email": "new@example.org"})
        assert asked.status_code == 202
    messages = await eventually(lambda: site.outbox.to("new@example.org"))
    assert any("/signin/verify?token=" in m.body for m in messages)
