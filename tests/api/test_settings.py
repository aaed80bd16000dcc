from __future__ import annotations

import base64
from pathlib import Path

import pytest

from api.app import create_app
from api.settings import DEV_PAYLOAD_KEY, DEV_SECRET, Settings
from domain.errors import ConfigError, PolicyError
from tests.conftest import REPO, make_settings

GOOD_SECRET = "s" * 40
GOOD_KEY = base64.b64encode(b"k" * 32).decode()


@pytest.mark.parametrize("environment", ["production", "test"])
@pytest.mark.parametrize(
    ("secret_key", "payload_key", "named"),
    [
        (DEV_SECRET, GOOD_KEY, "PERENNIAL_SECRET_KEY"),
        (GOOD_SECRET, DEV_PAYLOAD_KEY, "PERENNIAL_PAYLOAD_KEY"),
        ("short", GOOD_KEY, "PERENNIAL_SECRET_KEY must be at least 32 characters"),
        (GOOD_SECRET, GOOD_KEY, "PERENNIAL_GITHUB_WEBHOOK_SECRET"),
    ],
)
def test_default_or_weak_secrets_are_refused_outside_development(
    environment: str, secret_key: str, payload_key: str, named: str
) -> None:
    webhook = {} if named == "PERENNIAL_GITHUB_WEBHOOK_SECRET" else {"github_webhook_secret": GOOD_SECRET}
    with pytest.raises(ConfigError, match=named):
        Settings(environment=environment, secret_key=secret_key, payload_key=payload_key, **webhook)  # type: ignore[arg-type]


def test_development_runs_on_the_defaults_and_production_on_real_secrets() -> None:
    assert Settings(environment="development").secure_cookies is False  # type: ignore[arg-type]
    production = Settings(
        environment="production",
        secret_key=GOOD_SECRET,
        payload_key=GOOD_KEY,
        github_webhook_secret=GOOD_SECRET,
    )  # type: ignore[arg-type]
    assert production.secure_cookies is True


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.internal/perennial")
    monkeypatch.setenv("TEMPORAL_ADDRESS", "ns.a1b2c.tmprl.cloud:7233")
    monkeypatch.setenv("PERENNIAL_TEMPORAL_NAMESPACE", "ns.a1b2c")
    settings = Settings()
    assert (settings.database_url, settings.temporal_address, settings.temporal_namespace) == (
        "postgresql://db.internal/perennial",
        "ns.a1b2c.tmprl.cloud:7233",
        "ns.a1b2c",
    )


def test_the_app_refuses_to_start_on_an_invalid_policy_naming_the_field(tmp_path: Path) -> None:
    policy = tmp_path / "community.toml"
    policy.write_text(
        (REPO / "community.example.toml").read_text().replace('kind = "approval"', 'kind = "vote"')
    )
    settings = make_settings("sqlite://", 0, policy_path=policy)

    with pytest.raises(PolicyError, match=r"playbook.steps\[3 'meet_organizer'\].kind = 'vote'"):
        create_app(settings)
