from __future__ import annotations

from collections.abc import Iterator

import pytest

from activities.mail import Mailer
from activities.smtp import SmtpServer, SmtpTransport
from activities.store import JourneyStore
from api.outbox import Outbox
from api.settings import Settings
from api.worker import email_templates
from tests.conftest import make_settings
from tests.factories import Db


@pytest.fixture
def activity_settings(db_url: str, smtp_sink: tuple[Outbox, int]) -> Settings:
    return make_settings(db_url, smtp_sink[1])


@pytest.fixture
def db(activity_settings: Settings) -> Iterator[Db]:
    handle = Db(activity_settings.database_url)
    yield handle
    handle.close()


@pytest.fixture
def store(db: Db, activity_settings: Settings) -> JourneyStore:
    return JourneyStore(db.sessions, activity_settings.policy)


@pytest.fixture
def mailer(db: Db, activity_settings: Settings) -> Mailer:
    transport = SmtpTransport(
        SmtpServer("127.0.0.1", activity_settings.smtp_port, "Perennial <noreply@example.org>")
    )
    return Mailer(
        db.sessions,
        transport,
        email_templates(),
        base_url="http://perennial.test",
        sign_in_secret=activity_settings.secret_key,
        community_name="Test Community",
    )
