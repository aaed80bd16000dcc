"""Campaign results: reached and returned, in all and by chapter (the dashboard and the API)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Campaign, CampaignRecipient


async def campaign_results(session: AsyncSession) -> list[dict[str, Any]]:
    rows = await session.execute(select(CampaignRecipient, Campaign.name).join(Campaign))
    tally: dict[int, dict[str, Any]] = {}
    for recipient, name in rows:
        entry = tally.setdefault(
            recipient.campaign_id,
            {
                "id": recipient.campaign_id,
                "name": name,
                "reached": 0,
                "returned": 0,
                "by_chapter": defaultdict(lambda: [0, 0]),
            },
        )
        reached, back = recipient.sent_at is not None, recipient.returned_at is not None
        entry["reached"] += reached
        entry["returned"] += back
        by = entry["by_chapter"][str(recipient.chapter_id)]
        by[0], by[1] = by[0] + reached, by[1] + back
    return [
        {**e, "by_chapter": {k: {"reached": v[0], "returned": v[1]} for k, v in e["by_chapter"].items()}}
        for e in tally.values()
    ]
