"""The seed: users with tokens, organizations with members and teams, repositories with pulls.

Loaded from TOML or JSON; logins are checked against the users and organizations so a typo fails
at start-up with the name at fault, not later as a puzzling 404.
"""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from localgithub.permissions import PermissionName

SEED_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SeedUser(_Strict):
    login: str
    name: str | None = None
    email: str | None = None
    tokens: list[str] = []
    site_admin: bool = False


class SeedTeam(_Strict):
    slug: str
    name: str | None = None
    description: str = ""
    privacy: Literal["closed", "secret"] = "closed"
    members: list[str] = []
    maintainers: list[str] = []
    # Repositories of the same organization, by name, with the team's permission on each.
    repos: dict[str, PermissionName] = {}


class SeedOrg(_Strict):
    login: str
    name: str | None = None
    description: str = ""
    owners: list[str] = []
    members: list[str] = []
    # What every member may do on every repository of the organization; None means nothing.
    default_repository_permission: PermissionName | None = None
    teams: list[SeedTeam] = []


class SeedReview(_Strict):
    user: str
    state: Literal["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"] = "COMMENTED"
    body: str = ""
    submitted_at: datetime = SEED_EPOCH


class SeedPull(_Strict):
    number: int = Field(gt=0)
    title: str
    user: str
    body: str = ""
    state: Literal["open", "closed"] = "open"
    merged: bool = False
    draft: bool = False
    head: str = "feature"
    base: str = "main"
    created_at: datetime = SEED_EPOCH
    closed_at: datetime | None = None
    reviews: list[SeedReview] = []


class SeedRepo(_Strict):
    owner: str
    name: str
    description: str = ""
    private: bool = False
    is_template: bool = False
    default_branch: str = "main"
    collaborators: dict[str, PermissionName] = {}
    pulls: list[SeedPull] = []

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


class Seed(_Strict):
    # GitHub's budget per user and hour; anonymous callers get 60.
    core_rate_limit: int = Field(5000, gt=0)
    users: list[SeedUser] = []
    orgs: list[SeedOrg] = []
    repos: list[SeedRepo] = []

    @model_validator(mode="after")
    def _names_refer_to_known_accounts(self) -> Seed:
        users = {user.login.lower() for user in self.users}
        accounts = users | {org.login.lower() for org in self.orgs}
        tokens = [token for user in self.users for token in user.tokens]
        _require(len(tokens) == len(set(tokens)), "a token is listed for two users; tokens must be unique")
        _require(len(accounts) == len(self.users) + len(self.orgs), "a login is used twice")
        for org in self.orgs:
            _require_users(users, org.owners + org.members, f"org {org.login}")
            for team in org.teams:
                _require_users(users, team.members + team.maintainers, f"team {org.login}/{team.slug}")
                names = {repo.name.lower() for repo in self.repos if repo.owner.lower() == org.login.lower()}
                missing = [name for name in team.repos if name.lower() not in names]
                _require(not missing, f"team {org.login}/{team.slug} names unknown repos {missing}")
        for repo in self.repos:
            _require(repo.owner.lower() in accounts, f"repo {repo.full_name} has an unknown owner")
            _require_users(users, list(repo.collaborators), f"repo {repo.full_name} collaborators")
            for pull in repo.pulls:
                reviewers = [review.user for review in pull.reviews]
                _require_users(users, [pull.user, *reviewers], f"pull {repo.full_name}#{pull.number}")
        return self


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _require_users(known: set[str], logins: list[str], where: str) -> None:
    unknown = [login for login in logins if login.lower() not in known]
    _require(not unknown, f"{where} names users that are not in [[users]]: {', '.join(unknown)}")


def load(path: Path) -> Seed:
    """Reads a seed from a .toml or .json file."""
    text = path.read_text(encoding="utf-8")
    data: Any = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    return Seed.model_validate(data)
