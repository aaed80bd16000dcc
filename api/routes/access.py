"""GitHub access pages and API: members ask and see their rungs; maintainers approve, deny, lower,
revoke and renew through each grant's workflow; the matrix shows who holds what and why."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import RecordId, SessionDep, SettingsDep, TemporalDep, allow
from api.forms import read_form
from api.pages import back_to, render
from api.schemas import Line, Text
from api.services import access
from api.settings import Settings
from domain import access as rules
from domain.access import MemberAccessFacts
from domain.errors import Rejected
from domain.grants import Approval, Denial, Renewal, Withdrawal
from domain.roles import ACCESS_VIEWERS, EVERYONE_SIGNED_IN, MAINTAINERS
from models import Member
from workflows.access_grant import AccessGrant as Workflow

router = APIRouter(tags=["access"])
SignedIn = Annotated[Member, allow(EVERYONE_SIGNED_IN)]
Maintainer = Annotated[Member, allow(MAINTAINERS)]
Viewer = Annotated[Member, allow(ACCESS_VIEWERS)]


class AccessRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: Annotated[Line, Field(max_length=120)]
    permission: Annotated[Line, Field(max_length=20)]


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    action: Annotated[str, Field(pattern="^(approve|deny|revoke|lower|renew)$")]
    reason: Annotated[Text, Field(max_length=500)] = ""
    permission: Annotated[Line, Field(max_length=20)] | None = None  # for lower


@router.get("/access", response_class=HTMLResponse)
async def my_access(
    request: Request, me: SignedIn, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    context = {"grants": await access.of_member(session, me.id), "offers": offers(settings, me)}
    return render(request, "access/mine.html", context)


@router.get("/api/me/access")
async def my_access_api(me: SignedIn, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    """Your grants with their status and reason, and every rung you may ask for now or what it needs."""
    grants = await access.of_member(session, me.id)
    return {"grants": [_grant_out(g) for g in grants], "offers": offers(settings, me)}


@router.post("/api/me/access", status_code=status.HTTP_202_ACCEPTED)
async def request_api(
    body: AccessRequest, me: SignedIn, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> dict[str, str]:
    """Ask for a permission on a target; the policy check's reason appears on your access page."""
    workflow_id = await access.request(session, temporal, settings, me, body.target, body.permission, me)
    return {"workflow_id": workflow_id}


@router.post("/access/request")
async def request_form(
    request: Request, me: SignedIn, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> Response:
    body = await read_form(request, AccessRequest)
    await access.request(session, temporal, settings, me, body.target, body.permission, me)
    return RedirectResponse("/access", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/access/approvals", response_class=HTMLResponse)
async def approvals_page(request: Request, _: Maintainer, session: SessionDep) -> HTMLResponse:
    return render(request, "access/approvals.html", {"waiting": await access.awaiting_approval(session)})


@router.get("/access/matrix", response_class=HTMLResponse)
async def matrix_page(request: Request, _: Viewer, session: SessionDep) -> HTMLResponse:
    return render(request, "access/matrix.html", {"rows": await access.matrix(session)})


@router.get("/api/access/matrix")
async def matrix_api(_: Viewer, session: SessionDep) -> list[dict[str, Any]]:
    """Every active, warned or invited grant: who, what, since when, why and until when."""
    return [{**_grant_out(g), "member": name} for g, name in await access.matrix(session)]


@router.post("/api/access/{grant_id}/decision")
async def decide_api(
    grant_id: RecordId,
    body: Decision,
    me: Maintainer,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """approve | deny (reason) | revoke (reason) | lower (reason, permission) | renew."""
    return {"result": await _decide(grant_id, body, me, session, temporal, settings)}


@router.post("/access/{grant_id}/decision")
async def decide_form(
    request: Request,
    grant_id: RecordId,
    me: Maintainer,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> Response:
    await _decide(grant_id, await read_form(request, Decision), me, session, temporal, settings)
    return RedirectResponse(back_to(request, "/access/approvals"), status_code=status.HTTP_303_SEE_OTHER)


async def _decide(
    grant_id: int, body: Decision, me: Member, session: SessionDep, temporal: TemporalDep, settings: Settings
) -> Any:
    grant = await access.get(session, grant_id)
    await access.require_maintainer(session, settings, grant, me)
    if body.action == "renew" and grant.member_id == me.id:
        raise Rejected("You cannot renew your own access; another maintainer decides.")
    if body.action in ("approve", "renew") and (await session.get_one(Member, grant.member_id)).suspended:
        raise Rejected("This member is suspended; their access cannot be approved or renewed while it lasts.")
    update, arg = {
        "approve": (Workflow.approve, Approval(me.id)),
        "deny": (Workflow.deny, Denial(me.id, body.reason)),
        "revoke": (Workflow.withdraw, Withdrawal(me.id, body.reason)),
        "lower": (Workflow.withdraw, Withdrawal(me.id, body.reason, body.permission or "")),
        "renew": (Workflow.renew, Renewal(me.id)),
    }[body.action]
    return await access.act(temporal, grant, update, arg)


def offers(settings: Settings, me: Member) -> list[dict[str, Any]]:
    names = tuple(rule.name for rule in settings.policy.trust.levels)
    level = min(me.trust_level, len(names) - 1)
    facts = MemberAccessFacts(me.id, me.github_login, level, names[level], me.suspended, names)
    return [
        {
            "target": target.key,
            "permission": rung.permission.value,
            **vars(rules.decide(facts, target, rung.permission)),
        }
        for target in settings.policy.access.targets
        for rung in target.rungs
    ]


def _grant_out(grant: Any) -> dict[str, Any]:
    return {
        "id": grant.id,
        "target": f"{grant.target_kind.value}-{grant.target}",
        "permission": grant.permission.value,
        "status": grant.status.value,
        "reason": grant.reason,
        "evidence": grant.evidence,
        "approvals": grant.approvals,
        "requested_at": grant.requested_at,
        "active_since": grant.active_since,
        "expires_at": grant.expires_at,
    }
