"""The PyGithub client Perennial uses, the permission vocabularies, readers of one person's access on
GitHub, and GitHub's errors as Temporal's.

Errors raised inside `calling(...)` leave as ApplicationError, by type:
├── NotFound              404: the subject does not exist or the credentials cannot see it (final)
├── GitHubConfiguration   401: the token or GitHub App credentials are wrong; or the base URL (final)
├── GitHubForbidden       403: the credentials lack a right; the message names it (final)
├── GitHubRejected        422 and other 4xx: GitHub refused the request; its message says why (final)
├── RateLimited           403/429 with rate-limit signs; retried after GitHub's wait (`next_retry_delay`)
└── GitHubUnavailable     5xx, refused connections and timeouts; retried with Temporal's backoff
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests
from github import Auth, Github, GithubException, RateLimitExceededException, UnknownObjectException
from github.Invitation import Invitation
from github.Membership import Membership
from github.NamedUser import NamedUser
from github.Repository import Repository
from github.Team import Team
from temporalio import activity
from temporalio.exceptions import ApplicationError
from urllib3.util.retry import Retry

from domain.errors import ConfigError

PERMISSIONS = ("read", "triage", "write", "maintain", "admin")
# Our names are GitHub's role names (invitations, `role_name`); the REST parameters use the older ones.
API_PERMISSION = {
    "read": "pull",
    "triage": "triage",
    "write": "push",
    "maintain": "maintain",
    "admin": "admin",
}
_FROM_GITHUB = {**{name: name for name in PERMISSIONS}, "pull": "read", "push": "write"}

CREDENTIAL_SETTINGS = (
    "PERENNIAL_GITHUB_TOKEN, or PERENNIAL_GITHUB_APP_ID, PERENNIAL_GITHUB_APP_PRIVATE_KEY_PATH and "
    "PERENNIAL_GITHUB_APP_INSTALLATION_ID for a GitHub App (and PERENNIAL_GITHUB_BASE_URL for the server)"
)
LONGEST_RATE_LIMIT_WAIT = 3600
# GitHub's advice when a secondary limit names no time: wait at least a minute.
UNSPECIFIED_RATE_LIMIT_WAIT = 60
_NOT_A_URL = (
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
)


SERVER_ERROR_RETRY = Retry(
    total=3,
    status_forcelist=(500, 502, 503, 504),
    allowed_methods=frozenset({"GET", "HEAD", "PUT", "DELETE", "PATCH"}),
    backoff_factor=0.2,
    raise_on_status=False,
    respect_retry_after_header=False,
)


def github_from_settings(
    *,
    base_url: str,
    token: str | None,
    app_id: int | None = None,
    private_key_path: Path | None = None,
    installation_id: int | None = None,
    timeout_seconds: int = 15,
    request_retry: Retry = SERVER_ERROR_RETRY,
) -> Github:
    """A token client, or a GitHub App installation client when `app_id` is set."""
    auth: Auth.Auth
    if app_id is not None:
        if private_key_path is None or installation_id is None:
            raise ConfigError(
                "PERENNIAL_GITHUB_APP_ID is set, so PERENNIAL_GITHUB_APP_PRIVATE_KEY_PATH and "
                "PERENNIAL_GITHUB_APP_INSTALLATION_ID must be set too."
            )
        key = Path(private_key_path).read_text(encoding="utf-8")
        auth = Auth.AppAuth(app_id, key).get_installation_auth(installation_id)
    elif token:
        auth = Auth.Token(token)
    else:
        raise ConfigError(
            "Set PERENNIAL_GITHUB_TOKEN, or the PERENNIAL_GITHUB_APP_* settings of a GitHub App."
        )
    # One activity makes several requests; a brief server error on any of them would fail the whole
    # attempt, so each request gets a few quick retries on 5xx (every call we make is safe to repeat:
    # reads, and PUT/DELETE/PATCH that set state). Rate limits and the rest are left to Temporal.
    return Github(
        base_url=base_url,
        auth=auth,
        timeout=timeout_seconds,
        retry=request_retry,
        seconds_between_requests=None,
        seconds_between_writes=None,
        per_page=100,
        user_agent="Perennial",
    )


def permission_of(user: NamedUser) -> str:
    """A collaborator's permission; from the permission flags where GitHub gives no role name."""
    if user.role_name:
        return our_permission(user.role_name)
    flags = user.permissions
    held = [name for name in PERMISSIONS if getattr(flags, API_PERMISSION[name], False)]
    return held[-1] if held else "read"


def direct_permission(repo: Repository, login: str) -> str | None:
    # GitHub has no call for one person's direct permission (its permission call counts teams, roles and
    # public visibility). The role listed here is still the highest held, so a team may lift it.
    users = repo.get_collaborators(affiliation="direct")
    return next((permission_of(user) for user in users if user.login.lower() == login.lower()), None)


def pending_invitation(repo: Repository, login: str) -> Invitation | None:
    pending = repo.get_pending_invitations()
    return next(
        (i for i in pending if i.invitee is not None and i.invitee.login.lower() == login.lower()), None
    )


def team_membership(team: Team, login: str) -> Membership | None:
    try:
        return team.get_team_membership(login)
    except UnknownObjectException:
        return None


def our_permission(github_name: str) -> str:
    """`pull`/`read` and the like in our vocabulary; a custom role name passes through unchanged."""
    return _FROM_GITHUB.get(github_name.lower(), github_name)


@contextmanager
def calling(subject: str, right: str) -> Iterator[None]:
    """Translates GitHub's failures inside: a 404 means `subject` is missing, a 403 that `right` is."""
    if activity.in_activity():
        # Heartbeats between calls let Temporal notice a dead worker in seconds, not at the timeout.
        activity.heartbeat(subject)
    try:
        yield
    except (GithubException, requests.RequestException) as error:
        raise translated(error, subject=subject, right=right) from error


def translated(
    error: GithubException | requests.RequestException, *, subject: str, right: str
) -> ApplicationError:
    if isinstance(error, _NOT_A_URL):
        return ApplicationError(
            f"PERENNIAL_GITHUB_BASE_URL is not a URL Perennial can call: {error}",
            type="GitHubConfiguration",
            non_retryable=True,
        )
    if isinstance(error, requests.RequestException):
        return _unavailable(f"GitHub could not be reached while working on {subject}: {error}")
    headers = {name.lower(): value for name, value in (error.headers or {}).items()}
    says = github_message(error)
    if _is_rate_limit(error, headers, says):
        wait = rate_limit_wait(headers)
        return ApplicationError(
            f"GitHub's rate limit was reached while working on {subject}; trying again in {wait}. ({says})",
            type="RateLimited",
            next_retry_delay=wait,
        )
    if error.status == 401:
        return ApplicationError(
            f"GitHub refused Perennial's credentials ({says}). The token or GitHub App credentials are "
            f"wrong or expired: fix {CREDENTIAL_SETTINGS}.",
            type="GitHubConfiguration",
            non_retryable=True,
        )
    if error.status == 403:
        return ApplicationError(
            f"GitHub refused access to {subject} ({says}). The token or GitHub App needs {right}.",
            type="GitHubForbidden",
            non_retryable=True,
        )
    if error.status == 404:
        return ApplicationError(
            f"GitHub has no {subject}, or Perennial's credentials cannot see it.",
            type="NotFound",
            non_retryable=True,
        )
    if error.status >= 500:
        return _unavailable(f"GitHub failed with {error.status} while working on {subject} ({says}).")
    return ApplicationError(
        f"GitHub rejected the change to {subject}: {says}", type="GitHubRejected", non_retryable=True
    )


def github_message(error: GithubException) -> str:
    """GitHub's `message` with the detail of each entry in `errors`, as far as they are given."""
    data: Any = error.data
    if not isinstance(data, dict):
        return error.message or f"HTTP {error.status}"
    details = [
        entry if isinstance(entry, str) else entry.get("message") or entry.get("code") or ""
        for entry in data.get("errors") or []
        if isinstance(entry, str | dict)
    ]
    parts = [str(data.get("message") or f"HTTP {error.status}"), "; ".join(d for d in details if d)]
    return ": ".join(part for part in parts if part)


def rate_limit_wait(headers: Mapping[str, str], now: float | None = None) -> timedelta:
    """Retry-After if GitHub sent it, else until the hourly budget resets; 1 s to an hour."""
    retry_after = headers.get("retry-after", "")
    reset = headers.get("x-ratelimit-reset", "")
    if retry_after.isdigit():
        seconds = float(retry_after)
    elif headers.get("x-ratelimit-remaining") == "0" and reset.isdigit():
        seconds = int(reset) - (time.time() if now is None else now)
    else:
        seconds = UNSPECIFIED_RATE_LIMIT_WAIT
    return timedelta(seconds=round(min(max(seconds, 1), LONGEST_RATE_LIMIT_WAIT)))


def _is_rate_limit(error: GithubException, headers: Mapping[str, str], says: str) -> bool:
    if isinstance(error, RateLimitExceededException) or error.status == 429:
        return True
    return error.status == 403 and (
        headers.get("x-ratelimit-remaining") == "0"
        or "retry-after" in headers
        or "rate limit" in says.lower()
    )


def _unavailable(message: str) -> ApplicationError:
    return ApplicationError(message, type="GitHubUnavailable")
