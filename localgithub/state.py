"""The server's world in memory: accounts, teams, repositories, invitations and pulls.

Every read or change of several records happens under `State.lock`, so the control API, the test
thread and the server's requests may act at once.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from localgithub.errors import NotFound
from localgithub.models import seed as seed_file
from localgithub.models.seed import SEED_EPOCH, Seed, SeedOrg, SeedRepo, SeedUser
from localgithub.permissions import Permission

AccountKind = Literal["User", "Organization"]
OrgRole = Literal["admin", "member"]
TeamRole = Literal["member", "maintainer"]
MembershipState = Literal["active", "pending"]


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class Account:
    id: int
    login: str
    kind: AccountKind
    created_at: datetime
    name: str | None = None
    email: str | None = None
    description: str = ""
    site_admin: bool = False
    # Organizations only.
    members: dict[str, OrgRole] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    default_repository_permission: Permission | None = None

    @property
    def is_org(self) -> bool:
        return self.kind == "Organization"


@dataclass
class TeamMembership:
    login: str
    role: TeamRole
    state: MembershipState


@dataclass
class Team:
    id: int
    org: str
    slug: str
    name: str
    description: str
    privacy: str
    created_at: datetime
    memberships: dict[str, TeamMembership] = field(default_factory=dict)
    # Repository full names, with the team's permission on each.
    repos: dict[str, Permission] = field(default_factory=dict)

    def active_members(self) -> list[TeamMembership]:
        return [m for m in self.memberships.values() if m.state == "active"]


@dataclass
class Review:
    id: int
    user: str
    state: str
    body: str
    submitted_at: datetime


@dataclass
class Pull:
    id: int
    number: int
    title: str
    body: str
    user: str
    state: str
    merged: bool
    draft: bool
    head: str
    base: str
    created_at: datetime
    closed_at: datetime | None
    reviews: list[Review] = field(default_factory=list)


@dataclass
class Repo:
    id: int
    owner: str
    name: str
    description: str
    private: bool
    is_template: bool
    default_branch: str
    created_at: datetime
    collaborators: dict[str, Permission] = field(default_factory=dict)
    pulls: dict[int, Pull] = field(default_factory=dict)
    template: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # path on the default branch -> content

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass
class Invitation:
    id: int
    repo: str
    invitee: str
    inviter: str
    permission: Permission
    created_at: datetime


class State:
    def __init__(self, seed: Seed) -> None:
        self.seed = seed
        self.lock = threading.RLock()
        self.reset()

    @classmethod
    def from_file(cls, path: Path) -> State:
        return cls(seed_file.load(path))

    def reset(self) -> None:
        """Back to the seed: the same ids, the same members, no invitations."""
        with self.lock:
            self._ids = itertools.count(1)
            self.accounts: dict[str, Account] = {}
            self.tokens: dict[str, str] = {}
            self.repos: dict[str, Repo] = {}
            self.invitations: dict[int, Invitation] = {}
            for user in self.seed.users:
                self._load_user(user)
            for org in self.seed.orgs:
                self._load_org(org)
            for repo in self.seed.repos:
                self._load_repo(repo)
            for org in self.seed.orgs:
                self._load_teams(org)

    def next_id(self) -> int:
        return next(self._ids)

    def _add_account(self, account: Account) -> None:
        self.accounts[account.login.lower()] = account

    def _load_user(self, user: SeedUser) -> None:
        account = Account(
            id=self.next_id(),
            login=user.login,
            kind="User",
            created_at=SEED_EPOCH,
            name=user.name,
            email=user.email,
            site_admin=user.site_admin,
        )
        self._add_account(account)
        self.tokens.update({token: user.login for token in user.tokens})

    def _load_org(self, org: SeedOrg) -> None:
        members: dict[str, OrgRole] = {self.user(login).login: "member" for login in org.members}
        members |= {self.user(login).login: "admin" for login in org.owners}
        account = Account(
            id=self.next_id(),
            login=org.login,
            kind="Organization",
            created_at=SEED_EPOCH,
            name=org.name,
            description=org.description,
            members=members,
            default_repository_permission=org.default_repository_permission,
        )
        self._add_account(account)

    def _load_teams(self, org: SeedOrg) -> None:
        account = self.account(org.login)
        for seeded in org.teams:
            team = Team(
                id=self.next_id(),
                org=account.login,
                slug=seeded.slug,
                name=seeded.name or seeded.slug,
                description=seeded.description,
                privacy=seeded.privacy,
                created_at=SEED_EPOCH,
            )
            roles: list[tuple[TeamRole, list[str]]] = [
                ("member", seeded.members),
                ("maintainer", seeded.maintainers),
            ]
            for role, logins in roles:
                for login in logins:
                    user = self.user(login).login
                    team.memberships[user] = TeamMembership(user, role, "active")
                    # Only organization members can be in a team.
                    account.members.setdefault(user, "member")
            team.repos = {self.repo(account.login, name).full_name: p for name, p in seeded.repos.items()}
            account.teams[team.slug] = team

    def _load_repo(self, seeded: SeedRepo) -> None:
        repo = Repo(
            id=self.next_id(),
            owner=self.account(seeded.owner).login,
            name=seeded.name,
            description=seeded.description,
            private=seeded.private,
            is_template=seeded.is_template,
            default_branch=seeded.default_branch,
            created_at=SEED_EPOCH,
            collaborators={self.user(login).login: p for login, p in seeded.collaborators.items()},
        )
        for pull in seeded.pulls:
            reviews = [
                Review(self.next_id(), self.user(r.user).login, r.state, r.body, r.submitted_at)
                for r in pull.reviews
            ]
            repo.pulls[pull.number] = Pull(
                id=self.next_id(),
                number=pull.number,
                title=pull.title,
                body=pull.body,
                user=self.user(pull.user).login,
                state=pull.state,
                merged=pull.merged,
                draft=pull.draft,
                head=pull.head,
                base=pull.base,
                created_at=pull.created_at,
                closed_at=pull.closed_at,
                reviews=reviews,
            )
        self.add_repo(repo)

    def add_repo(self, repo: Repo) -> None:
        self.repos[repo.full_name.lower()] = repo

    def account(self, login: str) -> Account:
        try:
            return self.accounts[login.lower()]
        except KeyError:
            raise NotFound() from None

    def user(self, login: str) -> Account:
        account = self.account(login)
        if account.is_org:
            raise NotFound()
        return account

    def org(self, login: str) -> Account:
        account = self.account(login)
        if not account.is_org:
            raise NotFound()
        return account

    def repo(self, owner: str, name: str) -> Repo:
        try:
            return self.repos[f"{owner}/{name}".lower()]
        except KeyError:
            raise NotFound() from None

    def team_by_id(self, team_id: int) -> Team:
        teams = (team for org in self.accounts.values() for team in org.teams.values())
        found = next((team for team in teams if team.id == team_id), None)
        if found is None:
            raise NotFound()
        return found

    def user_for_token(self, token: str) -> Account | None:
        login = self.tokens.get(token)
        return self.accounts[login.lower()] if login else None
