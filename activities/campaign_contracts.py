"""What the ReengagementCampaign workflow may ask of activities (activities/campaign.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from temporalio import activity


@dataclass(frozen=True)
class CampaignInput:
    campaign_id: int
    wave_minutes: int = 60
    follow_up_days: int = 30


@dataclass(frozen=True)
class Wave:
    campaign_id: int
    number: int
    at: datetime


@dataclass(frozen=True)
class CampaignTally:
    reached: int
    returned: int


@activity.defn(name="plan_campaign")
def plan_campaign(req: Wave) -> int:
    """CampaignStore.plan_campaign: freeze the segment's members into waves; returns how many waves."""
    raise NotImplementedError


@activity.defn(name="send_campaign_wave")
def send_campaign_wave(req: Wave) -> int:
    """CampaignStore.send_campaign_wave: email the wave's members not yet sent to; returns how many."""
    raise NotImplementedError


@activity.defn(name="close_campaign")
def close_campaign(req: Wave) -> CampaignTally:
    """CampaignStore.close_campaign: mark it finished and return reached / returned."""
    raise NotImplementedError
