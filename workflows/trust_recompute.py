"""TrustRecompute: score the whole community, then tell each journey whose level changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities import contracts
    from activities.contracts import RecomputeResult, RecomputeTrust
    from domain.grants import TrustUpdate
    from domain.journey import TrustChanged

SCHEDULE_ID = "trust-recompute"
ON_DEMAND_ID = "trust-recompute-on-demand"
# Vouches often come in bursts (an organizer vouching after a meeting): one run a few minutes later
# covers them all.
ON_DEMAND_DELAY = timedelta(minutes=5)


@dataclass(frozen=True)
class RecomputeInput:
    reason: str
    journey_id_prefix: str = ""


@workflow.defn
class TrustRecompute:
    @workflow.run
    async def run(self, inp: RecomputeInput) -> RecomputeResult:
        info = workflow.info()
        result = await workflow.execute_activity(
            contracts.recompute_trust,
            RecomputeTrust(f"{info.workflow_id}/{info.run_id}", workflow.now()),
            start_to_close_timeout=timedelta(minutes=10),
            retry_policy=RetryPolicy(maximum_attempts=3),
        )
        for change in result.changes:
            journey = workflow.get_external_workflow_handle(
                f"{inp.journey_id_prefix}member-{change.member_id}"
            )
            await journey.signal("trust_changed", TrustChanged(change.old, change.new, change.action))
            for grant_id in change.grant_workflow_ids:
                # The grant rechecks its rung: a lower level warns first and lowers after the grace period.
                grant = workflow.get_external_workflow_handle(grant_id)
                await grant.signal("trust_changed", TrustUpdate(change.new))
        for grant_id in result.dormant_grant_ids:
            await workflow.get_external_workflow_handle(grant_id).signal(
                "trust_changed", TrustUpdate(dormant=True)
            )
        return result
