"""All configuration, read once from the environment (and an optional .env file)."""

from __future__ import annotations

import enum
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.errors import ConfigError

DEV_SECRET = "development-only-secret-change-me"  # noqa: S105 (refused outside development)
DEV_PAYLOAD_KEY = "ZGV2ZWxvcG1lbnQtb25seS1wYXlsb2FkLWtleS0zMmI="  # 32 bytes, base64
DEV_GITHUB_TOKEN = "local-admin-token"  # noqa: S105 (the local GitHub-compatible server's demo owner)
DEV_WEBHOOK_SECRET = "development-only-webhook-secret"  # noqa: S105 (refused outside development)


GENERATE_KEY = "python -c 'import secrets,base64; print(base64.b64encode(secrets.token_bytes(32)).decode())'"


class Environment(enum.StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, f"PERENNIAL_{name}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PERENNIAL_", env_file=".env", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = Field("sqlite:///var/perennial.db", validation_alias=_env("DATABASE_URL"))
    policy_path: Path = Path("community.example.toml")
    base_url: str = "http://127.0.0.1:8000"
    secret_key: str = DEV_SECRET
    payload_key: str = DEV_PAYLOAD_KEY

    temporal_address: str = Field("127.0.0.1:7233", validation_alias=_env("TEMPORAL_ADDRESS"))
    temporal_namespace: str = Field("default", validation_alias=_env("TEMPORAL_NAMESPACE"))
    temporal_task_queue: str = "perennial"
    # Several communities (or test runs) may share one namespace: their workflow ids must not collide.
    workflow_id_prefix: str = ""
    temporal_api_key: str | None = Field(None, validation_alias=_env("TEMPORAL_API_KEY"))
    temporal_tls: bool = False
    temporal_tls_cert: Path | None = None
    temporal_tls_key: Path | None = None
    temporal_tls_ca: Path | None = None

    # Per client address on routes anyone may call (sign-up, sign-in, "I'm back", share links).
    public_read_limit: str = "300/minute"
    public_write_limit: str = "10/minute"
    rate_limit_storage: str = "memory://"  # redis://host:6379 to share the counts between web processes

    # Outbound webhooks may reach loopback and private networks only where that is intended (development,
    # tests, or an operator who sets it); in production it would let an organizer probe the internal network.
    webhook_allow_private_addresses: bool | None = None

    # Observability (see api/telemetry.py and docs/production.md).
    tracing: Literal["off", "otlp", "console"] = "off"
    temporal_metrics_address: str | None = None  # e.g. 0.0.0.0:9464: the Temporal SDK's own metrics
    worker_metrics_address: str | None = None  # e.g. 0.0.0.0:9100: ours, from a worker process
    metrics_token: str | None = None  # scrapers send it as a bearer token; without one, loopback only
    log_format: Literal["json", "text"] = "text"

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_sender: str = "Perennial <noreply@perennial.localhost>"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    outbox_dir: Path = Path("var/outbox")
    outbox_port: int = 8025

    # GitHub: the local GitHub-compatible server in development; https://api.github.com (or an
    # Enterprise URL ending in /api/v3) with a fine-grained token or a GitHub App in production.
    github_base_url: str = "http://127.0.0.1:8030"
    github_token: str = DEV_GITHUB_TOKEN
    github_app_id: int | None = None
    github_app_private_key_path: Path | None = None
    github_app_installation_id: int | None = None
    github_webhook_secret: str = DEV_WEBHOOK_SECRET
    github_port: int = 8030  # where `perennial dev` serves the local GitHub-compatible server

    @model_validator(mode="after")
    def _no_default_secrets_outside_development(self) -> Settings:
        if self.environment != Environment.DEVELOPMENT:
            for name, default in (
                ("secret_key", DEV_SECRET),
                ("payload_key", DEV_PAYLOAD_KEY),
                ("github_webhook_secret", DEV_WEBHOOK_SECRET),
            ):
                if getattr(self, name) == default:
                    raise ConfigError(
                        f"PERENNIAL_{name.upper()} is still the development default; set a random value: "
                        f"{GENERATE_KEY}"
                    )
            if len(self.secret_key) < 32:
                raise ConfigError("PERENNIAL_SECRET_KEY must be at least 32 characters long.")
        return self

    @property
    def webhooks_may_reach_private_addresses(self) -> bool:
        if self.webhook_allow_private_addresses is not None:
            return self.webhook_allow_private_addresses
        return self.environment != Environment.PRODUCTION

    def webhook_sender_id(self, endpoint_id: int) -> str:
        return f"{self.workflow_id_prefix}webhook-{endpoint_id}"

    def journey_id(self, member_id: int) -> str:
        return f"{self.workflow_id_prefix}member-{member_id}"

    @property
    def secure_cookies(self) -> bool:
        return self.environment == Environment.PRODUCTION

    @cached_property
    def policy(self):  # type: ignore[no-untyped-def]
        from domain.policy import load_policy

        return load_policy(self.policy_path)
