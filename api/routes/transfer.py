"""Members and contributions as CSV, for organizing tools: export any time; import checked row by row,
all or nothing. Integrations use tokens: members:read to export, members:write and events:write to import."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile, status
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse

from api import schedules
from api.deps import SessionDep, SettingsDep, TemporalDep, allow
from api.pages import render
from api.security import upload_csrf
from api.services import transfer
from api.services.transfer import ImportReport
from domain.api_tokens import Scope
from domain.contributions import ContributionKind
from domain.errors import InvalidField
from domain.roles import ORGANIZERS
from domain.transfer import EVENT_ALIASES, MEMBER_ALIASES
from models import Member

router = APIRouter(tags=["csv"])
Organizer = Annotated[Member, allow(ORGANIZERS)]
Reader = Annotated[Member, allow(ORGANIZERS, scope=Scope.READ_MEMBERS)]
MemberWriter = Annotated[Member, allow(ORGANIZERS, scope=Scope.WRITE_MEMBERS)]
EventWriter = Annotated[Member, allow(ORGANIZERS, scope=Scope.WRITE_EVENTS)]
Upload = Annotated[UploadFile, File(description="A CSV file, UTF-8, with a header line")]
DryRun = Annotated[bool, Form(description="Check every row and report, but write nothing")]
MAX_BYTES = 10 * 1024 * 1024


@router.get("/api/export/members.csv", response_class=StreamingResponse)
async def export_members(request: Request, _: Reader) -> StreamingResponse:
    """Every member, with the columns Action Network, Mobilize and Parsons tables read."""
    return _csv(transfer.member_lines(request.app.state.sessions), "members")


@router.get("/api/export/contributions.csv", response_class=StreamingResponse)
async def export_contributions(request: Request, _: Reader) -> StreamingResponse:
    """Every contribution recorded for a member: kind, when, what it was part of, the source's id."""
    return _csv(transfer.contribution_lines(request.app.state.sessions), "contributions")


@router.post("/api/import/members", dependencies=[Depends(upload_csrf)])
async def import_members_api(
    file: Upload, me: MemberWriter, session: SessionDep, dry_run: DryRun = False
) -> Response:
    """Add members from CSV (email, and a name: display_name or first_name and last_name; optional chapter,
    skills, github_login, time_zone, email_opt_in). Members already here by email are left unchanged."""
    report = await transfer.import_members(session, await _text(file), me, dry_run=dry_run)
    return _answer(report)


@router.post("/api/import/contributions", dependencies=[Depends(upload_csrf)])
async def import_contributions_api(
    file: Upload,
    me: EventWriter,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    dry_run: DryRun = False,
    default_kind: Annotated[ContributionKind | None, Form()] = None,
) -> Response:
    """Record contributions from CSV (email, kind, occurred_at; optional ref, external_id). `default_kind`
    fills a missing kind column, e.g. event_attended for a Mobilize attendance export. Rows whose
    external_id was recorded before are left unchanged, so a file can be sent again safely."""
    report = await transfer.import_events(
        session, await _text(file), me, default_kind=default_kind, dry_run=dry_run
    )
    if report.written and report.created:
        await schedules.request_trust_recompute(temporal, settings, "contributions imported")
    return _answer(report)


@router.get("/transfer", response_class=HTMLResponse)
async def transfer_page(request: Request, _: Organizer) -> HTMLResponse:
    return _page(request)


@router.post("/transfer/members", response_class=HTMLResponse, dependencies=[Depends(upload_csrf)])
async def import_members_form(
    request: Request, file: Upload, me: Organizer, session: SessionDep, dry_run: DryRun = False
) -> HTMLResponse:
    report = await transfer.import_members(session, await _text(file), me, dry_run=dry_run)
    return _page(request, report, "members")


@router.post("/transfer/contributions", response_class=HTMLResponse, dependencies=[Depends(upload_csrf)])
async def import_contributions_form(
    request: Request,
    file: Upload,
    me: Organizer,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    dry_run: DryRun = False,
    default_kind: Annotated[str, Form()] = "",
) -> HTMLResponse:
    kind = ContributionKind(default_kind) if default_kind in set(ContributionKind) else None
    report = await transfer.import_events(session, await _text(file), me, default_kind=kind, dry_run=dry_run)
    if report.written and report.created:
        await schedules.request_trust_recompute(temporal, settings, "contributions imported")
    return _page(request, report, "contributions")


def _csv(lines: object, what: str) -> StreamingResponse:
    filename = f"perennial-{what}-{date.today().isoformat()}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return StreamingResponse(lines, media_type="text/csv; charset=utf-8", headers=headers)  # type: ignore[arg-type]


async def _text(file: UploadFile) -> str:
    raw = await file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise InvalidField("file", f"The file is over {MAX_BYTES // 1024 // 1024} MB; split it.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidField("file", f"Save the file as UTF-8 CSV (byte {exc.start} is not UTF-8).") from None


def _report(report: ImportReport) -> dict[str, object]:
    return {
        "written": report.written,
        "dry_run": report.dry_run,
        "rows": report.rows,
        "created": report.created,
        "unchanged": report.unchanged,
        "errors": [{"line": e.line, "field": e.field, "message": e.message} for e in report.errors],
        "ignored_columns": report.ignored_columns,
    }


def _answer(report: ImportReport) -> Response:
    if report.errors:
        code = status.HTTP_422_UNPROCESSABLE_CONTENT
    else:
        code = status.HTTP_201_CREATED if report.written else status.HTTP_200_OK
    return JSONResponse(_report(report), status_code=code)


def _page(request: Request, report: ImportReport | None = None, what: str = "") -> HTMLResponse:
    context = {
        "report": report,
        "what": what,
        "kinds": list(ContributionKind),
        "member_aliases": MEMBER_ALIASES,
        "event_aliases": EVENT_ALIASES,
    }
    code = 422 if report and report.errors else 200
    return render(request, "transfer/page.html", context, status_code=code)
