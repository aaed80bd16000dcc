"""GitHub webhook deliveries read into what Perennial records: a contribution, a suspected drift in
who can reach what on GitHub, or nothing (with the reason).

Field names follow GitHub's payloads (`pull_request.user.login`, `review.user.login`,
`membership.user.login`, ...). Only the signed body is trusted: the delivery id travels in an
unsigned header, so a contribution is keyed by the GitHub object it counts (the pull request, review
or issue id), and the same work delivered twice, by a redelivery or a second hook, counts once.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.contributions import ContributionKind

SIGNATURE_PREFIX = "sha256="
# `member` is a repository's collaborators changing; these `repository` actions change who can see a
# repository or the name grants refer to it by.
ACCESS_CHANGING_REPOSITORY_ACTIONS = frozenset(
    {"archived", "deleted", "privatized", "publicized", "renamed", "transferred", "unarchived"}
)
ORGANIZATION_MEMBERSHIP_ACTIONS = frozenset({"member_added", "member_removed"})


@dataclass(frozen=True)
class Ping:
    """GitHub checking that the hook is reachable."""


@dataclass(frozen=True)
class ContributionSeen:
    kind: ContributionKind
    login: str
    ref: str
    github_id: str  # the pull request, review or issue the contribution is
    at: datetime | None
    counterpart_login: str | None = None

    @property
    def idempotency_key(self) -> str:
        return f"github/{self.kind.value}/{self.github_id}"


@dataclass(frozen=True)
class DriftSuspected:
    """Membership or permissions changed on GitHub; reconciliation compares them with the grants."""

    event: str
    action: str
    target: str
    login: str | None = None
    repository: str | None = None


@dataclass(frozen=True)
class Ignored:
    reason: str


Reading = Ping | ContributionSeen | DriftSuspected | Ignored


def signature_matches(secret: str, body: bytes, header: str | None) -> bool:
    """Whether `X-Hub-Signature-256` is `sha256=` and the HMAC-SHA256 of the raw body with our secret."""
    if not header or not header.startswith(SIGNATURE_PREFIX):
        return False
    # Compared as bytes: compare_digest refuses str holding non-ASCII, which a forger controls.
    return hmac.compare_digest(sign(secret, body).encode(), header.encode())


def sign(secret: str, body: bytes) -> str:
    """The `X-Hub-Signature-256` value GitHub sends with `body`."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


BOT_SUFFIXES = ("[bot]",)  # the policy's `[retention] bot_suffixes` replaces this default


def is_bot(login: str, account_type: str | None = None, suffixes: tuple[str, ...] = BOT_SUFFIXES) -> bool:
    return any(login.lower().endswith(s.lower()) for s in suffixes) or account_type == "Bot"


def read(event: str, payload: Mapping[str, Any], bots: tuple[str, ...] = BOT_SUFFIXES) -> Reading:
    """What one delivery of `event` (the `X-GitHub-Event` header) means for Perennial."""
    action = _text(payload, "action") or ""
    match event:
        case "ping":
            return Ping()
        case "pull_request":
            return _pull_request(action, payload, bots)
        case "pull_request_review":
            return _review(action, payload, bots)
        case "issues":
            return _issue(action, payload, bots)
        case "member":
            return _drift(event, action, _text(payload, "repository", "full_name"), payload, "member")
        case "membership":
            return _drift(event, action, _team_path(payload), payload, "member")
        case "organization" if action in ORGANIZATION_MEMBERSHIP_ACTIONS:
            return _drift(
                event, action, _text(payload, "organization", "login"), payload, "membership", "user"
            )
        case "team":
            return _drift(event, action, _team_path(payload), payload)
        case "repository" if action in ACCESS_CHANGING_REPOSITORY_ACTIONS:
            return _drift(event, action, _text(payload, "repository", "full_name"), payload)
    return Ignored(f"'{event}' deliveries{f' ({action})' if action else ''} are not recorded")


def _pull_request(action: str, payload: Mapping[str, Any], bots: tuple[str, ...]) -> Reading:
    pull = _object(payload, "pull_request")
    if action != "closed" or pull.get("merged") is not True:
        return Ignored(f"a pull request {action or 'change'} is not a merge; only merges count")
    return _contribution(
        ContributionKind.PR_MERGED, _object(pull, "user"), pull, _text(pull, "merged_at"), pull, bots
    )


def _review(action: str, payload: Mapping[str, Any], bots: tuple[str, ...]) -> Reading:
    review, pull = _object(payload, "review"), _object(payload, "pull_request")
    if action != "submitted":
        return Ignored(f"a review {action or 'change'} is not a submitted review")
    author = _object(pull, "user")
    author_login = _text(author, "login")
    reviewing_oneself = author_login == _text(review, "user", "login")
    counterpart = (
        None if reviewing_oneself or is_bot(author_login or "", _text(author, "type"), bots) else author_login
    )
    return _contribution(
        ContributionKind.REVIEW,
        _object(review, "user"),
        review,
        _text(review, "submitted_at"),
        pull,
        bots,
        counterpart,
    )


def _issue(action: str, payload: Mapping[str, Any], bots: tuple[str, ...]) -> Reading:
    issue = _object(payload, "issue")
    if action != "opened":
        return Ignored(f"an issue {action or 'change'} is not an opened issue")
    return _contribution(
        ContributionKind.ISSUE, _object(issue, "user"), issue, _text(issue, "created_at"), issue, bots
    )


def _contribution(
    kind: ContributionKind,
    user: Mapping[str, Any],
    counted: Mapping[str, Any],
    at: str | None,
    linked: Mapping[str, Any],
    bots: tuple[str, ...],
    counterpart_login: str | None = None,
) -> Reading:
    login, github_id, ref = _text(user, "login"), _text(counted, "id"), _text(linked, "html_url")
    if not login or not github_id or not ref:
        return Ignored(f"a {kind.value} delivery without the author's login, its id or its html_url")
    if is_bot(login, _text(user, "type"), bots):
        return Ignored(f"{login} is a bot; bots' work is not a member's contribution")
    return ContributionSeen(kind, login, ref, github_id, _timestamp(at), counterpart_login)


def _drift(
    event: str, action: str, target: str | None, payload: Mapping[str, Any], *login_path: str
) -> Reading:
    if not target:
        return Ignored(f"a '{event}' delivery without the organization, team or repository it changed")
    login = _text(payload, *login_path, "login") if login_path else None
    repository = _text(payload, "repository", "full_name") if event == "team" else None
    return DriftSuspected(event, action, target, login, repository)


def _team_path(payload: Mapping[str, Any]) -> str | None:
    """`org/team-slug`; a deleted team's delivery carries only its name."""
    team = _text(payload, "team", "slug") or _text(payload, "team", "name")
    organization = _text(payload, "organization", "login")
    return f"{organization}/{team}" if team and organization else None


def _object(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def _text(data: Mapping[str, Any], *path: str) -> str | None:
    """The string (or integer id, as text) at `path`, or None when any step is missing."""
    value: Any = data
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    if isinstance(value, bool):
        return None
    return str(value) if isinstance(value, str | int) and value != "" else None


def _timestamp(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
