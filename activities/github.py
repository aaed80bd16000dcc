"""GitHub access in one organization: repository collaborators, team memberships and sandboxes.

Every activity reads what GitHub holds before it writes, so a retried call changes nothing twice.
Repository access means direct collaboration: what an organization role or a team gives is not ours
to grant, read or remove. Besides GitHub's errors (see github_client), the activities raise Rejected for
an unknown target kind or permission and SandboxNameTaken for a sandbox name another repository holds.
"""

from __future__ import annotations

from github import Github, GithubException, UnknownObjectException
from github.NamedUser import NamedUser
from github.Repository import Repository
from github.Team import Team
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.access_contracts import GitHubAccess, GitHubState, Holder, TargetRef
from activities.github_client import (
    API_PERMISSION,
    PERMISSIONS,
    calling,
    direct_permission,
    our_permission,
    pending_invitation,
    permission_of,
    team_membership,
    translated,
)
from domain import practice_data

REPO, TEAM, SANDBOX = "repo", "team", "sandbox"
TEAM_ROLE = {p: "maintainer" if p in ("maintain", "admin") else "member" for p in PERMISSIONS}
# A team role says nothing about repositories; these are the permissions each role usually stands for.
TEAM_ROLE_PERMISSION = {"member": "write", "maintainer": "maintain"}
TEAM_STATE = {"pending": "invited", "active": "active"}
NONE = GitHubState("none")
UNPROCESSABLE = 422
APP_ADMINISTRATION = "for a GitHub App or fine-grained token: the Administration permission, read and write"
APP_CONTENTS = "for a GitHub App or fine-grained token: the Contents permission, read and write"
PRACTICE_DATA = "data/practice-volunteers.csv"
APP_MEMBERS = "for a GitHub App or fine-grained token: the organization Members permission, read and write"


class GitHubActivities:
    def __init__(self, github: Github, org: str, *, sandbox_template: str = "sandbox-template") -> None:
        self._github = github
        self._org = org
        self._template = sandbox_template

    @activity.defn
    def apply_github_access(self, req: GitHubAccess) -> GitHubState:
        permission = _checked(req)
        if req.target_kind == TEAM:
            return self._apply_to_team(self._team(req.target), req.login, permission)
        repo = self._sandbox(req) if req.target_kind == SANDBOX else self._repo(req.target)
        return self._apply_to_repo(repo, req.login, permission)

    @activity.defn
    def read_github_access(self, req: GitHubAccess) -> GitHubState:
        permission = _checked(req)
        if req.target_kind == TEAM:
            return _team_state(self._team(req.target), req.login, permission)
        repo = self._target_repo(req)
        return _repo_state(repo, req.login) if repo else NONE

    @activity.defn
    def remove_github_access(self, req: GitHubAccess) -> GitHubState:
        _checked(req)
        if req.target_kind == TEAM:
            team = self._team(req.target)
            with calling(f"user {req.login}", _team_right(team)):
                if team_membership(team, req.login) is not None:
                    team.remove_membership(self._lazy_user(req.login))
            return NONE
        repo = self._target_repo(req)
        if repo is not None:
            with calling(f"user {req.login}", _repo_right(repo)):
                invitation = pending_invitation(repo, req.login)
                if invitation is not None:
                    repo.remove_invitation(invitation.id)
                if direct_permission(repo, req.login) is not None:
                    repo.remove_from_collaborators(req.login)
        return NONE

    @activity.defn
    def list_github_holders(self, req: TargetRef) -> list[Holder]:
        _checked_kind(req.target_kind)
        if req.target_kind == TEAM:
            team = self._team(req.target)
            with calling(f"team {self._org}/{team.slug}", _team_right(team)):
                return [
                    Holder(user.login, TEAM_ROLE_PERMISSION[role], "active")
                    for role in ("maintainer", "member")
                    for user in team.get_members(role=role)
                ]
        repo = self._target_repo(req)
        if repo is None:
            return []
        with calling(f"repository {repo.full_name}", _repo_right(repo)):
            active = [
                Holder(user.login, permission_of(user), "active")
                for user in repo.get_collaborators(affiliation="direct")
            ]
            invited = [
                Holder(invitation.invitee.login, our_permission(invitation.permissions), "invited")
                for invitation in repo.get_pending_invitations()
                if invitation.invitee is not None and not invitation.expired
            ]
        return active + invited

    def _apply_to_repo(self, repo: Repository, login: str, permission: str) -> GitHubState:
        with calling(f"user {login}", _repo_right(repo)):
            held = direct_permission(repo, login)
            if held is not None:
                # Where a team lifts the reported role above the direct one, this re-sets it on every apply.
                if held != permission:
                    repo.add_to_collaborators(login, API_PERMISSION[permission])
                return GitHubState("active", permission)
            invitation = pending_invitation(repo, login)
            if invitation is not None and invitation.expired:
                repo.remove_invitation(invitation.id)
            elif invitation is not None:
                if our_permission(invitation.permissions) != permission:
                    # PyGithub has no call for changing an invitation.
                    repo.requester.requestJsonAndCheck(
                        "PATCH", f"{repo.url}/invitations/{invitation.id}", input={"permissions": permission}
                    )
                return GitHubState("invited", permission)
            sent = repo.add_to_collaborators(login, API_PERMISSION[permission])
        # Organization members become collaborators at once; anyone else is invited.
        return (
            GitHubState("invited", our_permission(sent.permissions))
            if sent
            else GitHubState("active", permission)
        )

    def _apply_to_team(self, team: Team, login: str, permission: str) -> GitHubState:
        with calling(f"user {login}", _team_right(team)):
            membership = team_membership(team, login)
            if membership is None or membership.role != TEAM_ROLE[permission]:
                team.add_membership(self._lazy_user(login), TEAM_ROLE[permission])
                membership = team.get_team_membership(login)
        return GitHubState(TEAM_STATE[membership.state], permission)

    def _sandbox(self, req: GitHubAccess) -> Repository:
        """The sandbox repository, made from the template the first time."""
        template = self._repo(self._template)
        existing = self._maybe_repo(req.target)
        if existing is not None:
            return self._with_practice_data(_made_from(existing, template))
        subject, right = (
            f"organization {self._org}",
            f"to create repositories in {self._org} ({APP_ADMINISTRATION})",
        )
        with calling(subject, right):
            try:
                made = self._github.get_organization(self._org).create_repo_from_template(
                    req.target, template, description=f"{req.login}'s sandbox, made from {template.full_name}"
                )
                return self._with_practice_data(made)
            except GithubException as error:
                if error.status != UNPROCESSABLE:
                    raise
                refused = error
        # An earlier attempt whose answer was lost, or a parallel one, may have made it already.
        found = self._maybe_repo(req.target)
        if found is None:
            raise translated(refused, subject=subject, right=right) from refused
        return self._with_practice_data(_made_from(found, template))

    def _with_practice_data(self, sandbox: Repository) -> Repository:
        """Adds the synthetic volunteer list once; a sandbox that has it already is left as it is."""
        with calling(f"repository {sandbox.full_name}", f"to write contents ({APP_CONTENTS})"):
            try:
                sandbox.get_contents(PRACTICE_DATA)
            except UnknownObjectException:
                content = practice_data.volunteers_csv(seed=sandbox.id)
                sandbox.create_file(
                    PRACTICE_DATA, "Add a practice volunteer list (synthetic: no real people)", content
                )
        return sandbox

    def _target_repo(self, req: GitHubAccess | TargetRef) -> Repository | None:
        """The target repository; None for a sandbox not made yet."""
        return self._maybe_repo(req.target) if req.target_kind == SANDBOX else self._repo(req.target)

    def _repo(self, name: str) -> Repository:
        full_name = f"{self._org}/{name}"
        with calling(f"repository {full_name}", f"read access to {full_name}"):
            return self._github.get_repo(full_name)

    def _maybe_repo(self, name: str) -> Repository | None:
        full_name = f"{self._org}/{name}"
        with calling(f"repository {full_name}", f"read access to {full_name}"):
            try:
                return self._github.get_repo(full_name)
            except UnknownObjectException:
                return None

    def _team(self, slug: str) -> Team:
        with calling(f"team {self._org}/{slug}", f"read access to the teams of {self._org}"):
            return self._github.get_organization(self._org).get_team_by_slug(slug)

    def _lazy_user(self, login: str) -> NamedUser:
        """A user to pass to PyGithub without fetching it: GitHub answers 404 for an unknown login anyway."""
        return self._github.get_user(login, lazy=True)


def _made_from(sandbox: Repository, template: Repository) -> Repository:
    """Refuses to hand out a repository that is not a sandbox, such as a project's, by a clash of names."""
    source = sandbox.template_repository
    if source is None or source.full_name.lower() != template.full_name.lower():
        raise ApplicationError(
            f"{sandbox.full_name} exists and was not made from {template.full_name}, so it is not handed out "
            "as a sandbox; choose another sandbox name.",
            type="SandboxNameTaken",
            non_retryable=True,
        )
    return sandbox


def _repo_state(repo: Repository, login: str) -> GitHubState:
    with calling(f"repository {repo.full_name}", _repo_right(repo)):
        held = direct_permission(repo, login)
        if held is not None:
            return GitHubState("active", held)
        invitation = pending_invitation(repo, login)
    if invitation is None or invitation.expired:
        return NONE
    return GitHubState("invited", our_permission(invitation.permissions))


def _team_state(team: Team, login: str, permission: str) -> GitHubState:
    with calling(f"user {login}", _team_right(team)):
        membership = team_membership(team, login)
    if membership is None:
        return NONE
    role_fits = membership.role == TEAM_ROLE[permission]
    return GitHubState(
        TEAM_STATE[membership.state], permission if role_fits else TEAM_ROLE_PERMISSION[membership.role]
    )


def _repo_right(repo: Repository) -> str:
    return f"admin on the repository {repo.full_name} ({APP_ADMINISTRATION})"


def _team_right(team: Team) -> str:
    return f"to own the organization or to maintain the team {team.slug} ({APP_MEMBERS})"


def _checked(req: GitHubAccess) -> str:
    _checked_kind(req.target_kind)
    if req.permission not in PERMISSIONS:
        raise ApplicationError(
            f"Unknown permission '{req.permission}'; use one of {', '.join(PERMISSIONS)}.",
            type="Rejected",
            non_retryable=True,
        )
    return req.permission


def _checked_kind(kind: str) -> None:
    if kind not in (REPO, TEAM, SANDBOX):
        raise ApplicationError(
            f"Unknown target kind '{kind}'; use repo, team or sandbox.", type="Rejected", non_retryable=True
        )
