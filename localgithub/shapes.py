"""GitHub's JSON shapes for each record, with absolute URLs on the host the client called."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from localgithub import access
from localgithub.permissions import Permission
from localgithub.state import Account, Invitation, Pull, Repo, Review, State, Team, TeamMembership

Json = dict[str, Any]


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def node_id(kind: str, record_id: int) -> str:
    # GitHub's legacy global ids: base64 of "<length of kind>:<kind><id>".
    return base64.b64encode(f"{len(kind):02d}:{kind}{record_id}".encode()).decode()


def fake_sha(*parts: str) -> str:
    return hashlib.sha1(":".join(parts).encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Renderer:
    base: str
    state: State

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def user(self, account: Account) -> Json:
        login = account.login
        api = self.url(f"/users/{login}")
        return {
            "login": login,
            "id": account.id,
            "node_id": node_id(account.kind, account.id),
            "avatar_url": self.url(f"/_avatars/{account.id}"),
            "gravatar_id": "",
            "url": api,
            "html_url": self.url(f"/{login}"),
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": account.kind,
            "user_view_type": "public",
            "site_admin": account.site_admin,
        }

    def user_detail(self, account: Account) -> Json:
        owned = [repo for repo in self.state.repos.values() if repo.owner == account.login]
        return self.user(account) | {
            "name": account.name,
            "company": None,
            "blog": "",
            "location": None,
            "email": account.email,
            "hireable": None,
            "bio": account.description or None,
            "twitter_username": None,
            "public_repos": sum(not repo.private for repo in owned),
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "created_at": iso(account.created_at),
            "updated_at": iso(account.created_at),
        }

    def collaborator(self, account: Account, permission: Permission) -> Json:
        return self.user(account) | {"permissions": permission.flags(), "role_name": permission.role_name}

    def org(self, account: Account, *, detail: bool = True) -> Json:
        api = self.url(f"/orgs/{account.login}")
        shape = {
            "login": account.login,
            "id": account.id,
            "node_id": node_id("Organization", account.id),
            "url": api,
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events",
            "hooks_url": f"{api}/hooks",
            "issues_url": f"{api}/issues",
            "members_url": f"{api}/members{{/member}}",
            "public_members_url": f"{api}/public_members{{/member}}",
            "avatar_url": self.url(f"/_avatars/{account.id}"),
            "description": account.description,
        }
        if detail:
            default = account.default_repository_permission
            shape |= {
                "name": account.name,
                "html_url": self.url(f"/{account.login}"),
                "type": "Organization",
                "public_repos": self.user_detail(account)["public_repos"],
                "followers": 0,
                "following": 0,
                "default_repository_permission": default.role_name if default else "none",
                "created_at": iso(account.created_at),
                "updated_at": iso(account.created_at),
            }
        return shape

    def team_url(self, team: Team) -> str:
        # What github.com answers today; PyGithub builds every team call on this URL.
        org = self.state.org(team.org)
        return self.url(f"/organizations/{org.id}/team/{team.id}")

    def team(self, team: Team, *, detail: bool = True) -> Json:
        api = self.team_url(team)
        shape = {
            "id": team.id,
            "node_id": node_id("Team", team.id),
            "url": api,
            "html_url": self.url(f"/orgs/{team.org}/teams/{team.slug}"),
            "name": team.name,
            "slug": team.slug,
            "description": team.description,
            "privacy": team.privacy,
            "notification_setting": "notifications_enabled",
            "permission": "pull",
            "members_url": f"{api}/members{{/member}}",
            "repositories_url": f"{api}/repos",
            "parent": None,
        }
        if detail:
            shape |= {
                "members_count": len(team.active_members()),
                "repos_count": len(team.repos),
                "created_at": iso(team.created_at),
                "updated_at": iso(team.created_at),
                "organization": self.org(self.state.org(team.org)),
            }
        return shape

    def membership(self, team: Team, membership: TeamMembership) -> Json:
        return {
            "url": f"{self.team_url(team)}/memberships/{membership.login}",
            "role": membership.role,
            "state": membership.state,
        }

    def repo(self, repo: Repo, *, permission: Permission | None = None, nested: bool = False) -> Json:
        api = self.url(f"/repos/{repo.full_name}")
        owner = self.state.account(repo.owner)
        shape = {
            "id": repo.id,
            "node_id": node_id("Repository", repo.id),
            "name": repo.name,
            "full_name": repo.full_name,
            "private": repo.private,
            "owner": self.user(owner),
            "html_url": self.url(f"/{repo.full_name}"),
            "description": repo.description,
            "fork": False,
            "url": api,
            "collaborators_url": f"{api}/collaborators{{/collaborator}}",
            "teams_url": f"{api}/teams",
            "pulls_url": f"{api}/pulls{{/number}}",
            "clone_url": self.url(f"/{repo.full_name}.git"),
            "default_branch": repo.default_branch,
            "visibility": "private" if repo.private else "public",
            "is_template": repo.is_template,
            "archived": False,
            "disabled": False,
            "created_at": iso(repo.created_at),
            "updated_at": iso(repo.created_at),
            "pushed_at": iso(repo.created_at),
        }
        if permission is not None:
            shape["permissions"] = permission.flags()
            shape["role_name"] = permission.role_name
        if not nested:
            if owner.is_org:
                shape["organization"] = self.user(owner)
            template = self.state.repos.get((repo.template or "").lower())
            shape["template_repository"] = self.repo(template, nested=True) if template else None
        return shape

    def invitation(self, invitation: Invitation) -> Json:
        repo = self.state.repos[invitation.repo.lower()]
        return {
            "id": invitation.id,
            "node_id": node_id("RepositoryInvitation", invitation.id),
            "repository": self.repo(repo, nested=True),
            "invitee": self.user(self.state.user(invitation.invitee)),
            "inviter": self.user(self.state.user(invitation.inviter)),
            "permissions": invitation.permission.role_name,
            "created_at": iso(invitation.created_at),
            "expired": False,
            "url": self.url(f"/user/repository_invitations/{invitation.id}"),
            "html_url": self.url(f"/{repo.full_name}/invitations"),
        }

    def author_association(self, repo: Repo, login: str) -> str:
        owner = self.state.account(repo.owner)
        if owner.login == login:
            return "OWNER"
        if login in owner.members:
            return "MEMBER"
        return "COLLABORATOR" if access.permission_of(self.state, repo, login) else "CONTRIBUTOR"

    def pull(self, repo: Repo, pull: Pull, *, detail: bool = False) -> Json:
        api = self.url(f"/repos/{repo.full_name}/pulls/{pull.number}")
        issue = self.url(f"/repos/{repo.full_name}/issues/{pull.number}")
        html = self.url(f"/{repo.full_name}/pull/{pull.number}")
        moments = [pull.created_at, pull.closed_at, *(review.submitted_at for review in pull.reviews)]
        shape = {
            "url": api,
            "id": pull.id,
            "node_id": node_id("PullRequest", pull.id),
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": issue,
            "commits_url": f"{api}/commits",
            "review_comments_url": f"{api}/comments",
            "comments_url": f"{issue}/comments",
            "number": pull.number,
            "state": pull.state,
            "locked": False,
            "title": pull.title,
            "user": self.user(self.state.user(pull.user)),
            "body": pull.body,
            "labels": [],
            "milestone": None,
            "created_at": iso(pull.created_at),
            "updated_at": iso(max(moment for moment in moments if moment is not None)),
            "closed_at": iso(pull.closed_at),
            "merged_at": iso(pull.closed_at) if pull.merged else None,
            "merge_commit_sha": fake_sha(repo.full_name, str(pull.number)) if pull.merged else None,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [],
            "requested_teams": [],
            "head": self._branch(repo, pull.head),
            "base": self._branch(repo, pull.base),
            "author_association": self.author_association(repo, pull.user),
            "auto_merge": None,
            "draft": pull.draft,
        }
        if detail:
            shape |= {"merged": pull.merged, "mergeable": None, "comments": 0, "review_comments": 0}
        return shape

    def _branch(self, repo: Repo, ref: str) -> Json:
        owner = self.state.account(repo.owner)
        return {
            "label": f"{owner.login}:{ref}",
            "ref": ref,
            "sha": fake_sha(repo.full_name, ref),
            "user": self.user(owner),
            "repo": self.repo(repo, nested=True),
        }

    def review(self, repo: Repo, pull: Pull, review: Review) -> Json:
        pull_url = self.url(f"/repos/{repo.full_name}/pulls/{pull.number}")
        html = self.url(f"/{repo.full_name}/pull/{pull.number}#pullrequestreview-{review.id}")
        return {
            "id": review.id,
            "node_id": node_id("PullRequestReview", review.id),
            "user": self.user(self.state.user(review.user)),
            "body": review.body,
            "state": review.state,
            "html_url": html,
            "pull_request_url": pull_url,
            "author_association": self.author_association(repo, review.user),
            "submitted_at": iso(review.submitted_at),
            "commit_id": fake_sha(repo.full_name, pull.head),
            "_links": {"html": {"href": html}, "pull_request": {"href": pull_url}},
        }
