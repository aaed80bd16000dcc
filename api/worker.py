"""Building and running the Temporal worker: workflows plus activities with their clients injected."""

from __future__ import annotations

import compileall
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

import workflows
from activities.accountability import AccountabilityStore
from activities.campaign import CampaignStore
from activities.github import GitHubActivities
from activities.github_client import github_from_settings
from activities.grants import GrantStore
from activities.mail import Mailer
from activities.mentorship import MentorshipStore
from activities.public_network import webhook_client
from activities.reconcile import ReconcileStore
from activities.smtp import SmtpServer, SmtpTransport
from activities.store import JourneyStore
from activities.trust import TrustStore
from activities.webhooks import WebhookStore
from api.html import TEMPLATES_DIR, html_environment
from api.journey_steps import JourneySteps
from api.settings import Settings
from domain.sealing import Sealer
from models.base import make_engine, session_factory
from workflows import registry

MAX_CONCURRENT_ACTIVITIES = 32


def email_templates() -> Environment:
    # Plain-text email bodies: HTML escaping would garble names like "O'Brien" and the sign-in URLs.
    return Environment(loader=FileSystemLoader(TEMPLATES_DIR), undefined=StrictUndefined, autoescape=False)  # noqa: S701


def _byte_compile_workflows() -> None:
    # The sandbox imports each workflow module afresh for every workflow it starts; without .pyc
    # files (PYTHONDONTWRITEBYTECODE, read-only installs) that means compiling the source every time.
    compileall.compile_dir(Path(workflows.__file__).parent, quiet=1)


class _PoolClosingWorker(Worker):
    """Closes its database pool once it has stopped, so the pool lasts as long as the worker rather than the
    process: a test suite starts hundreds of workers, and each left connections open until collected."""

    def __init__(self, *args: Any, engine: Engine, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._engine = engine

    async def __aexit__(self, exc_type: type[BaseException] | None, *args: Any) -> None:
        try:
            await super().__aexit__(exc_type, *args)
        finally:
            self._engine.dispose()


def build_worker(
    client: Client, settings: Settings, *, task_queue: str | None = None, max_cached_workflows: int = 10_000
) -> Worker:
    _byte_compile_workflows()
    engine = make_engine(settings.database_url, pool_size=MAX_CONCURRENT_ACTIVITIES, max_overflow=0)
    sessions = session_factory(engine)
    policy = settings.policy
    store = JourneyStore(sessions, policy, JourneySteps(html_environment()).cook)
    mailer = Mailer(
        sessions,
        SmtpTransport(
            SmtpServer(
                settings.smtp_host,
                settings.smtp_port,
                settings.smtp_sender,
                settings.smtp_username,
                settings.smtp_password,
                settings.smtp_starttls,
            )
        ),
        email_templates(),
        base_url=settings.base_url,
        sign_in_secret=settings.secret_key,
        community_name=policy.community.name,
        level_names=tuple(rule.name for rule in policy.trust.levels),
    )
    return _PoolClosingWorker(
        client,
        engine=engine,
        task_queue=task_queue or settings.temporal_task_queue,
        workflows=list(registry.WORKFLOWS),
        activities=registry.activities(
            store,
            mailer,
            TrustStore(sessions, policy),
            AccountabilityStore(sessions),
            GrantStore(sessions, policy, mailer),
            GitHubActivities(
                github_from_settings(
                    base_url=settings.github_base_url,
                    token=settings.github_token,
                    app_id=settings.github_app_id,
                    private_key_path=settings.github_app_private_key_path,
                    installation_id=settings.github_app_installation_id,
                ),
                policy.access.org,
                sandbox_template=policy.access.sandbox_template,
            ),
            ReconcileStore(sessions, policy.access),
            MentorshipStore(sessions, mailer),
            CampaignStore(sessions, mailer, settings.secret_key, settings.base_url),
            WebhookStore(
                sessions,
                webhook_client(settings.webhooks_may_reach_private_addresses),
                Sealer(settings.payload_key),
            ),
        ),
        activity_executor=ThreadPoolExecutor(MAX_CONCURRENT_ACTIVITIES),
        max_concurrent_activities=MAX_CONCURRENT_ACTIVITIES,
        max_cached_workflows=max_cached_workflows,
        # Every import but the workflow module itself is shared, not re-imported per new workflow;
        # the sandbox still restricts non-deterministic calls inside workflow code.
        workflow_runner=SandboxedWorkflowRunner(
            restrictions=SandboxRestrictions.default.with_passthrough_all_modules()
        ),
    )
