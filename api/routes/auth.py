"""Sign up, sign in with an emailed single-use link, sign out."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.deps import PUBLIC, SessionDep, SettingsDep, TemporalDep
from api.forms import field_errors, read_form
from api.pages import render
from api.schemas import MemberOut, SignInRequest, SignupRequest
from api.services import journeys, members
from domain import sign_in
from domain.errors import Conflict, InvalidField, Rejected
from models import Event, Member
from models.base import utcnow

LINK_USED = "This sign-in link was already used; ask for a new one."
router = APIRouter(tags=["auth"])
Public = Annotated[None, PUBLIC]


@router.get("/signup", response_class=HTMLResponse)
async def signup_page(request: Request, session: SessionDep, _: Public) -> HTMLResponse:
    return render(
        request, "auth/signup.html", {"chapters": await members.chapters(session), "form": {}, "errors": {}}
    )


@router.post("/signup", response_class=HTMLResponse)
async def signup_form(
    request: Request, session: SessionDep, temporal: TemporalDep, settings: SettingsDep, _: Public
) -> HTMLResponse:
    form = dict(await request.form())
    try:
        member = await members.sign_up(session, temporal, settings, await read_form(request, SignupRequest))
    except ValidationError as exc:
        return await _signup_again(
            request, session, form, field_errors(exc), status.HTTP_422_UNPROCESSABLE_CONTENT
        )
    except InvalidField as exc:
        return await _signup_again(request, session, form, {exc.field: exc.message}, 422)
    except Conflict as exc:
        return await _signup_again(request, session, form, {"email": str(exc)}, status.HTTP_409_CONFLICT)
    context = {"email": member.email, "outbox_url": _outbox_url(settings)}
    return render(request, "auth/check_email.html", context, status_code=status.HTTP_201_CREATED)


@router.post("/api/members", status_code=status.HTTP_201_CREATED, response_model=MemberOut)
async def signup_api(
    body: SignupRequest, session: SessionDep, temporal: TemporalDep, settings: SettingsDep, _: Public
) -> MemberOut:
    """Sign up; the journey starts and a welcome email with a sign-in link goes out."""
    return MemberOut.model_validate(await members.sign_up(session, temporal, settings, body))


@router.get("/signin", response_class=HTMLResponse)
async def signin_page(request: Request, _: Public) -> HTMLResponse:
    return render(request, "auth/signin.html", {"errors": {}, "form": {}})


@router.post("/signin", response_class=HTMLResponse)
async def signin_form(
    request: Request, session: SessionDep, temporal: TemporalDep, settings: SettingsDep, _: Public
) -> HTMLResponse:
    try:
        body = await read_form(request, SignInRequest)
    except ValidationError as exc:
        form = dict(await request.form())
        return render(request, "auth/signin.html", {"errors": field_errors(exc), "form": form}, 422)
    await _send_link(session, temporal, settings, body.email)
    return render(
        request, "auth/check_email.html", {"email": body.email, "outbox_url": _outbox_url(settings)}
    )


@router.post("/api/session/link", status_code=status.HTTP_202_ACCEPTED)
async def signin_api(
    body: SignInRequest, session: SessionDep, temporal: TemporalDep, settings: SettingsDep, _: Public
) -> dict[str, str]:
    """Email a sign-in link. The answer is the same whether or not the address has an account."""
    await _send_link(session, temporal, settings, body.email)
    return {"detail": "If that address has an account, a sign-in link is on its way."}


@router.get("/signin/verify", response_class=HTMLResponse)
async def verify_page(request: Request, _: Public, token: str = "") -> HTMLResponse:
    # Confirming with a POST keeps mail scanners that prefetch links from using up the link.
    return render(request, "auth/verify.html", {"token": token[:1000]})


@router.post("/signin/verify")
async def verify(
    request: Request, session: SessionDep, temporal: TemporalDep, settings: SettingsDep, _: Public
) -> Response:
    token = str((await request.form()).get("token", ""))
    try:
        claim = sign_in.read_token(settings.secret_key, token)
        member = await members.get(session, claim.member_id)
        if member.sign_in_nonce != claim.nonce:
            raise Rejected(LINK_USED)
    except (Rejected, InvalidField, LookupError) as exc:
        return render(request, "auth/signin.html", {"errors": {"token": str(exc)}, "form": {}}, 400)
    # Tell the journey first: if Temporal cannot be reached, the link is not used up and works again.
    await journeys.activity_seen(temporal, settings, member.id, "sign_in")
    if not await members.use_sign_in_link(session, member.id, claim.nonce):
        await session.rollback()
        return render(request, "auth/signin.html", {"errors": {"token": LINK_USED}, "form": {}}, 400)
    session.add(
        Event(
            at=utcnow(),
            actor_id=member.id,
            kind="member.signed_in",
            subject_type="member",
            subject_id=member.id,
            payload={},
        )
    )
    await session.commit()
    # A new session, not the one the browser arrived with: nothing set before sign-in carries over.
    request.session.clear()
    request.session.update(
        {"member_id": member.id, "epoch": member.session_epoch, "sid": secrets.token_urlsafe(16)}
    )
    return RedirectResponse("/journey", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/signout")
async def signout(request: Request, session: SessionDep, _: Public) -> Response:
    """Sign out on every device: sessions begun before now stop working, even if a cookie was copied."""
    member_id = request.session.get("member_id")
    member = await session.get(Member, member_id) if member_id is not None else None
    if member is not None and request.session.get("epoch") == member.session_epoch:
        member.session_epoch += 1
        await session.commit()
        request.app.state.journey_reads.forget(member.id)
    request.session.clear()
    return RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER)


async def _send_link(session: SessionDep, temporal: TemporalDep, settings: SettingsDep, email: str) -> None:
    member = await members.by_email(session, email)
    if member is not None:
        await journeys.send_sign_in_link(temporal, settings, member.id)


def _outbox_url(settings: SettingsDep) -> str | None:
    return f"http://127.0.0.1:{settings.outbox_port}/" if settings.environment != "production" else None


async def _signup_again(
    request: Request, session: SessionDep, form: Mapping[str, object], errors: dict[str, str], code: int
) -> HTMLResponse:
    context = {"chapters": await members.chapters(session), "form": form, "errors": errors}
    return render(request, "auth/signup.html", context, status_code=code)
