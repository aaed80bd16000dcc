"""Faults drawn per request from a seeded random generator, so a failing test fails the same way again."""

from __future__ import annotations

import enum
import random
import threading
from dataclasses import dataclass

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class FaultSettings(BaseSettings):
    """Shares are probabilities per request; together they may not exceed 1."""

    model_config = SettingsConfigDict(env_prefix="LOCALGITHUB_FAULT_", extra="forbid")

    server_error_share: float = Field(0.0, ge=0, le=1)
    rate_limit_share: float = Field(0.0, ge=0, le=1)
    secondary_rate_limit_share: float = Field(0.0, ge=0, le=1)
    latency_seconds: float = Field(0.0, ge=0)
    # A random extra delay between 0 and this, added to latency_seconds.
    latency_jitter_seconds: float = Field(0.0, ge=0)
    retry_after_seconds: int = Field(60, ge=0)
    random_seed: int = 0

    @model_validator(mode="after")
    def _shares_fit_in_one(self) -> FaultSettings:
        total = self.server_error_share + self.rate_limit_share + self.secondary_rate_limit_share
        if total > 1:
            raise ValueError(f"the fault shares add up to {total}; their sum must be at most 1")
        return self


class FaultKind(enum.Enum):
    SERVER_ERROR = "server_error"
    RATE_LIMIT = "rate_limit"
    SECONDARY_RATE_LIMIT = "secondary_rate_limit"


@dataclass(frozen=True)
class Draw:
    latency_seconds: float
    kind: FaultKind | None = None
    status: int = 200


class Faults:
    def __init__(self, settings: FaultSettings | None = None) -> None:
        self._lock = threading.Lock()
        self.configure(settings or FaultSettings())

    @property
    def settings(self) -> FaultSettings:
        return self._settings

    def configure(self, settings: FaultSettings) -> None:
        """Reseeds too: the same settings give the same sequence of faults."""
        with self._lock:
            self._settings = settings
            self._random = random.Random(settings.random_seed)

    def update(self, **changes: object) -> FaultSettings:
        merged = FaultSettings.model_validate(self.settings.model_dump() | changes)
        self.configure(merged)
        return merged

    def draw(self) -> Draw:
        with self._lock:
            s = self._settings
            latency = s.latency_seconds + self._random.uniform(0, s.latency_jitter_seconds)
            roll = self._random.random()
            if roll < s.server_error_share:
                return Draw(latency, FaultKind.SERVER_ERROR, self._random.choice((502, 503)))
            roll -= s.server_error_share
            if roll < s.rate_limit_share:
                return Draw(latency, FaultKind.RATE_LIMIT, 403)
            roll -= s.rate_limit_share
            if roll < s.secondary_rate_limit_share:
                return Draw(latency, FaultKind.SECONDARY_RATE_LIMIT, 403)
            return Draw(latency)
