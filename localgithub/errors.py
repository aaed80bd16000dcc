"""Errors answered in GitHub's JSON shape; `app.py` renders them.

GitHubError
├── RequiresAuthentication   401, no token on an endpoint that needs one
├── BadCredentials           401, a token no user holds
├── Forbidden                403, the token's user lacks the right; the message names it
├── NotFound                 404, also for private things the caller may not see
└── ValidationFailed         422, with GitHub's `errors` list naming the field
"""

from __future__ import annotations

from typing import Any

DOCUMENTATION_URL = "https://docs.github.com/rest"


class GitHubError(Exception):
    status = 500

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "documentation_url": DOCUMENTATION_URL}
        if self.errors is not None:
            body["errors"] = self.errors
        body["status"] = str(self.status)
        return body


class RequiresAuthentication(GitHubError):
    status = 401

    def __init__(self) -> None:
        super().__init__("Requires authentication")


class BadCredentials(GitHubError):
    status = 401

    def __init__(self) -> None:
        super().__init__("Bad credentials")


class Forbidden(GitHubError):
    status = 403


class NotFound(GitHubError):
    status = 404

    def __init__(self) -> None:
        super().__init__("Not Found")


class ValidationFailed(GitHubError):
    status = 422

    def __init__(
        self, *, resource: str, field: str, code: str, message: str = "", summary: str = "Validation Failed"
    ) -> None:
        error = {"resource": resource, "field": field, "code": code}
        if message:
            error["message"] = message
        super().__init__(summary, [error])
