from __future__ import annotations

import pytest

from activities.mail import Mailer
from activities.smtp import SmtpServer, SmtpTransport
from activities.store import JourneyStore
from api.html import html_environment
from api.journey_steps import JourneySteps
from api.settings import Settings
from api.worker import email_templates
from tests.conftest import each_database
from tests.factories import Db

settings = pytest.fixture(each_database, name="settings")


@pytest.fixture
def store(db: Db, settings: Settings) -> JourneyStore:
    return JourneyStore(db.sessions, settings.policy, JourneySteps(html_environment()).cook)


@pytest.fixture
def mailer(db: Db, settings: Settings) -> Mailer:
    transport = SmtpTransport(SmtpServer("127.0.0.1", settings.smtp_port, "Perennial <noreply@example.org>"))
    return Mailer(
        db.sessions,
        transport,
        email_templates(),
        base_url="http://perennial.test",
        sign_in_secret=settings.secret_key,
        community_name="Test Community",
    )
