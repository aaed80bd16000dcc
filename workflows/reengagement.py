"""ReengagementCampaign: reach a segment of members before a new cycle, in rate-limited waves, then keep
the campaign open while people answer "I'm back"; the tally is what the dashboard shows."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities import campaign_contracts as acts
    from activities.campaign_contracts import CampaignInput, CampaignTally, Wave

WRITE = timedelta(minutes=2)


@workflow.defn
class ReengagementCampaign:
    @workflow.run
    async def run(self, inp: CampaignInput) -> CampaignTally:
        waves = await workflow.execute_activity(
            acts.plan_campaign, Wave(inp.campaign_id, 0, workflow.now()), start_to_close_timeout=WRITE
        )
        for number in range(1, waves + 1):
            if number > 1:
                await workflow.sleep(timedelta(minutes=inp.wave_minutes))  # never hammer anyone's inbox
            await workflow.execute_activity(
                acts.send_campaign_wave,
                Wave(inp.campaign_id, number, workflow.now()),
                start_to_close_timeout=WRITE,
            )
        await workflow.sleep(timedelta(days=inp.follow_up_days))  # answers keep coming after the last wave
        return await workflow.execute_activity(
            acts.close_campaign, Wave(inp.campaign_id, waves, workflow.now()), start_to_close_timeout=WRITE
        )
