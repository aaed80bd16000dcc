"""Organizers' outbound webhooks: subscribe an endpoint, read its delivery log, replay, switch it off."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api.settings import Settings
from api.webhook_nudger import wake
from domain.errors import InvalidField, NotFound, Rejected
from domain.sealing import Sealer
from domain.webhooks import EventType
from models import DeliveryStatus, Event, Member, WebhookDelivery, WebhookEndpoint
from models.base import utcnow

SECRET_PREFIX = "whsec_"  # noqa: S105  (a label, not a secret)
LOG_LENGTH = 200


def check_url(url: str, settings: Settings) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidField("url", "Give the full address, starting with https://")
    if parts.scheme == "http" and not settings.webhooks_may_reach_private_addresses:
        raise InvalidField(
            "url", "Use https: deliveries carry a signature, but their content is not encrypted."
        )
    if parts.username or parts.password:
        raise InvalidField("url", "Leave credentials out of the address; verify our signature instead.")


async def subscribe(
    session: AsyncSession,
    temporal: Client,
    settings: Settings,
    me: Member,
    *,
    url: str,
    description: str,
    event_types: list[EventType],
    rate_per_minute: int,
) -> tuple[WebhookEndpoint, str]:
    check_url(url, settings)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(
        url=url,
        description=description,
        event_types=sorted({t.value for t in event_types}),
        secret_sealed=Sealer(settings.payload_key).seal(secret),
        rate_per_minute=rate_per_minute,
        created_by_id=me.id,
        created_at=utcnow(),
    )
    session.add(endpoint)
    await session.flush()
    _audit(session, "webhook.subscribed", endpoint, me)
    await session.commit()
    await wake(temporal, settings, endpoint.id)
    return endpoint, secret


async def endpoints(session: AsyncSession) -> list[WebhookEndpoint]:
    return list(await session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id.desc())))


async def endpoint(session: AsyncSession, endpoint_id: int) -> WebhookEndpoint:
    found = await session.get(WebhookEndpoint, endpoint_id)
    if found is None:
        raise NotFound(f"No webhook endpoint {endpoint_id}.")
    return found


async def deliveries(session: AsyncSession, endpoint_id: int) -> list[WebhookDelivery]:
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(LOG_LENGTH)
    )
    return list(await session.scalars(query))


async def disable(
    session: AsyncSession, temporal: Client, settings: Settings, endpoint_id: int, me: Member
) -> WebhookEndpoint:
    found = await endpoint(session, endpoint_id)
    if found.disabled_at is not None:
        raise Rejected("That endpoint is already switched off.")
    found.disabled_at, found.disabled_reason = utcnow(), f"Switched off by member {me.id}."
    _audit(session, "webhook.disabled", found, me)
    await session.commit()
    await wake(temporal, settings, endpoint_id)  # the sender sees it, skips what is pending, and ends
    return found


async def replay(
    session: AsyncSession, temporal: Client, settings: Settings, delivery_id: int, me: Member
) -> WebhookDelivery:
    original = await session.get(WebhookDelivery, delivery_id)
    if original is None:
        raise NotFound(f"No webhook delivery {delivery_id}.")
    if (await endpoint(session, original.endpoint_id)).disabled_at is not None:
        raise Rejected("That endpoint is switched off; subscribe it again to send there.")
    if original.status is DeliveryStatus.PENDING:
        raise Rejected("That delivery is still waiting to go; it needs no replay.")
    latest = await session.scalar(
        select(func.max(WebhookDelivery.replay_number)).where(
            WebhookDelivery.endpoint_id == original.endpoint_id, WebhookDelivery.event_id == original.event_id
        )
    )
    again = WebhookDelivery(
        endpoint_id=original.endpoint_id,
        event_id=original.event_id,
        event_type=original.event_type,
        replay_number=(latest or 0) + 1,
        replay_of_id=original.id,
        created_at=utcnow(),
    )
    session.add(again)
    await session.commit()
    await wake(temporal, settings, original.endpoint_id)
    return again


def _audit(session: AsyncSession, kind: str, endpoint: WebhookEndpoint, me: Member) -> None:
    payload = {"url": endpoint.url, "event_types": list(endpoint.event_types)}
    session.add(
        Event(
            kind=kind,
            subject_type="webhook",
            subject_id=endpoint.id,
            actor_id=me.id,
            at=utcnow(),
            payload=payload,
        )
    )
