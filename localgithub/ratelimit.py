"""GitHub's primary rate limit: an hourly budget per user (per address for anonymous callers)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ANONYMOUS_LIMIT = 60
WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    reset: int
    resource: str = "core"

    @property
    def used(self) -> int:
        return self.limit - self.remaining

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
            "X-RateLimit-Used": str(self.used),
            "X-RateLimit-Resource": self.resource,
        }

    def body(self) -> dict[str, Any]:
        return {"limit": self.limit, "used": self.used, "remaining": self.remaining, "reset": self.reset}


class Budgets:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, int]] = {}

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()

    def peek(self, key: str, limit: int) -> Quota:
        with self._lock:
            used, reset = self._window(key)
            return Quota(limit, max(limit - used, 0), reset)

    def consume(self, key: str, limit: int) -> Quota | None:
        """The quota after this request, or None when the budget is already spent."""
        with self._lock:
            used, reset = self._window(key)
            if used >= limit:
                return None
            self._windows[key] = (used + 1, reset)
            return Quota(limit, limit - used - 1, reset)

    def _window(self, key: str) -> tuple[int, int]:
        now = int(self._clock())
        used, reset = self._windows.get(key, (0, now + WINDOW_SECONDS))
        if now >= reset:
            used, reset = 0, now + WINDOW_SECONDS
        self._windows[key] = (used, reset)
        return used, reset


def overview(core: Quota) -> dict[str, Any]:
    """The body of GET /rate_limit; only `core` is metered here, the others show a full budget."""
    search = Quota(30, 30, core.reset, "search")
    graphql = Quota(core.limit, core.limit, core.reset, "graphql")
    resources = {
        name: quota.body() for name, quota in (("core", core), ("search", search), ("graphql", graphql))
    }
    return {"resources": resources, "rate": core.body()}
