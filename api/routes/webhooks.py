"""GitHub webhooks: anyone may call, and only a delivery signed with our webhook secret is read."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import PUBLIC, SessionDep, SettingsDep, TemporalDep
from api.services import drift
from api.services import github_events as deliveries
from domain import github_events
from domain.github_events import ContributionSeen, DriftSuspected, Ignored, Ping

router = APIRouter(tags=["webhooks"])
MAX_DELIVERY_ID_LENGTH = 100  # GitHub sends a GUID; the ledger key holds 200 characters
MAX_BODY_BYTES = 25 * 1024 * 1024  # GitHub caps payloads at 25 MB; anyone may post, so stop reading there


@router.post("/webhooks/github")
async def github_webhook(
    request: Request,
    _: Annotated[None, PUBLIC],
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    x_github_event: Annotated[str, Header()] = "",
    x_github_delivery: Annotated[str, Header()] = "",
    x_hub_signature_256: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    """Record a merged pull request, a submitted review or an opened issue as a contribution, and a
    membership or permission change as suspected drift; 401 when unsigned, forged or replayed."""
    body = await _capped_body(request)
    if not github_events.signature_matches(settings.github_webhook_secret, body, x_hub_signature_256):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "X-Hub-Signature-256 is missing or does not match the body; check the hook's secret.",
        )
    if not x_github_delivery or len(x_github_delivery) > MAX_DELIVERY_ID_LENGTH:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "X-GitHub-Delivery must be the delivery's GUID.")
    seen = github_events.read(x_github_event, _json_object(body), settings.policy.retention.bot_suffixes)
    if isinstance(seen, Ping):
        return JSONResponse({"status": "pong"})
    if isinstance(seen, Ignored):
        return JSONResponse({"status": "ignored", "reason": seen.reason}, status.HTTP_202_ACCEPTED)
    response = await _record(session, x_github_delivery, seen)
    if isinstance(seen, DriftSuspected):
        await drift.request_dry_run(temporal, settings)
    return response


async def _record(
    session: AsyncSession, delivery_id: str, seen: ContributionSeen | DriftSuspected
) -> JSONResponse:
    outcome = await deliveries.record(session, delivery_id, seen)
    if outcome.result is deliveries.Result.REPLAYED:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, f"replayed delivery {delivery_id}")
    await session.commit()
    return JSONResponse({"status": outcome.result.value, "kind": outcome.event_kind})


async def _capped_body(request: Request) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "GitHub deliveries are at most 25 MB.")
    return bytes(body)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            "The body is not JSON; set the hook's content type to application/json.",
        ) from exc
    if not isinstance(payload, dict):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "The body must be a JSON object.")
    return payload
