"""Everything a worker registers: the workflows, and the activity methods of injected clients."""

from collections.abc import Callable, Sequence
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.accountability import AccountabilityStore
    from activities.campaign import CampaignStore
    from activities.github import GitHubActivities
    from activities.grants import GrantStore
    from activities.mail import Mailer
    from activities.mentorship import MentorshipStore
    from activities.reconcile import ReconcileStore
    from activities.store import JourneyStore
    from activities.trust import TrustStore
    from activities.webhooks import WebhookStore

from workflows.access_grant import AccessGrant
from workflows.access_reconcile import AccessReconcile
from workflows.member_journey import MemberJourney
from workflows.mentorship import Mentorship
from workflows.reengagement import ReengagementCampaign
from workflows.trust_recompute import TrustRecompute
from workflows.webhook_sender import WebhookSender

WORKFLOWS: Sequence[type] = (
    MemberJourney,
    TrustRecompute,
    AccessGrant,
    AccessReconcile,
    Mentorship,
    ReengagementCampaign,
    WebhookSender,
)


def activities(
    store: JourneyStore,
    mailer: Mailer,
    trust: TrustStore,
    accountability: AccountabilityStore,
    grants: GrantStore,
    github: GitHubActivities,
    reconcile: ReconcileStore,
    mentorship: MentorshipStore,
    campaigns: CampaignStore,
    webhooks: WebhookStore,
) -> list[Callable[..., Any]]:
    return [
        grants.open_grant,
        grants.record_grant,
        grants.recheck_grant,
        grants.send_access_notice,
        github.apply_github_access,
        github.read_github_access,
        github.remove_github_access,
        github.list_github_holders,
        reconcile.desired_access,
        reconcile.drift_report,
        reconcile.record_drift,
        mentorship.record_pairing,
        mentorship.open_check_in,
        mentorship.record_check_in_answer,
        mentorship.record_feedback,
        mentorship.close_check_in,
        mentorship.new_milestones,
        mentorship.rematch_mentee,
        mentorship.send_mentorship_notice,
        campaigns.plan_campaign,
        campaigns.send_campaign_wave,
        campaigns.close_campaign,
        webhooks.due_webhook_deliveries,
        webhooks.send_webhook,
        webhooks.report_webhook_circuit,
        store.start_journey,
        store.record_step,
        store.publish_view,
        store.record_vouch,
        store.revoke_vouch,
        store.mark_dormant,
        store.mark_returned,
        trust.recompute_trust,
        accountability.suspend_member,
        accountability.reinstate_member,
        mailer.send_welcome,
        mailer.send_sign_in_link,
        mailer.send_nudge,
        mailer.send_escalation,
        mailer.send_level_change,
        mailer.send_voucher_notice,
        mailer.send_vouch_ask,
    ]
