"""The contract between workflows and activities holds, and workflow code stays free of I/O imports."""

from __future__ import annotations

import inspect
import subprocess
import sys
from typing import get_type_hints

from temporalio.activity import _Definition

from activities import (
    access_contracts,
    campaign_contracts,
    contracts,
    mentorship_contracts,
    webhook_contracts,
)
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
from tests.conftest import REPO
from workflows import registry

IO_PACKAGES = {"sqlalchemy", "models", "smtplib", "jinja2", "github", "fastapi", "psycopg", "aiosqlite"}


def test_every_activity_stub_has_one_implementation_taking_and_returning_the_same_types() -> None:
    implementations = registry.activities(
        JourneyStore.__new__(JourneyStore),
        Mailer.__new__(Mailer),
        TrustStore.__new__(TrustStore),
        AccountabilityStore.__new__(AccountabilityStore),
        GrantStore.__new__(GrantStore),
        GitHubActivities.__new__(GitHubActivities),
        ReconcileStore.__new__(ReconcileStore),
        MentorshipStore.__new__(MentorshipStore),
        CampaignStore.__new__(CampaignStore),
        WebhookStore.__new__(WebhookStore),
    )
    by_name = {_Definition.must_from_callable(fn).name: fn for fn in implementations}
    stubs = {
        _Definition.must_from_callable(fn).name: fn
        for module in (
            contracts,
            access_contracts,
            mentorship_contracts,
            campaign_contracts,
            webhook_contracts,
        )
        for _, fn in inspect.getmembers(module, inspect.isfunction)
        if _Definition.from_callable(fn) is not None
    }

    # The reconcile activities have no stubs: the workflow calls them on the class (see access_reconcile).
    stubs |= {
        _Definition.must_from_callable(fn).name: fn
        for fn in (ReconcileStore.desired_access, ReconcileStore.drift_report, ReconcileStore.record_drift)
    }
    assert sorted(by_name) == sorted(stubs)
    assert len(implementations) == len(by_name)
    for name, stub in stubs.items():
        assert get_type_hints(stub) == get_type_hints(by_name[name]), name


def test_importing_the_workflows_loads_no_database_web_or_mail_code() -> None:
    probe = (
        "import sys, workflows.member_journey; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(IO_PACKAGES)!r}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"
