"""`perennial import github --org ORG`: merged pull requests and reviews from every repository of the
organization, through PyGithub, keyed as the webhook keys them so neither path counts work twice."""

from __future__ import annotations

from dataclasses import dataclass

from github import Github
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.services import github_events
from domain.contributions import ContributionKind
from domain.github_events import BOT_SUFFIXES, ContributionSeen, is_bot
from models import Event

BACKFILL = "backfill"  # stands where a webhook delivery id would


@dataclass
class GitHubImportCounts:
    repositories: int = 0
    recorded: int = 0
    already_recorded: int = 0
    bots: int = 0


def import_github(
    sessions: sessionmaker[Session], client: Github, org: str, bots: tuple[str, ...] = BOT_SUFFIXES
) -> GitHubImportCounts:
    counts = GitHubImportCounts()
    for repo in client.get_organization(org).get_repos():
        counts.repositories += 1
        for pull in repo.get_pulls(state="closed"):
            if pull.merged_at is None:
                continue
            author = pull.user.login
            _record(
                sessions,
                counts,
                ContributionSeen(
                    ContributionKind.PR_MERGED, author, pull.html_url, str(pull.id), pull.merged_at
                ),
                bot=is_bot(author, pull.user.type, bots),
            )
            for review in pull.get_reviews():
                reviewer = review.user.login
                seen = ContributionSeen(
                    ContributionKind.REVIEW,
                    reviewer,
                    pull.html_url,
                    str(review.id),
                    review.submitted_at,
                    author,
                )
                _record(sessions, counts, seen, bot=is_bot(reviewer, review.user.type, bots))
    return counts


def _record(
    sessions: sessionmaker[Session], counts: GitHubImportCounts, seen: ContributionSeen, *, bot: bool
) -> None:
    if bot:
        counts.bots += 1
        return
    with sessions.begin() as session:
        if session.scalar(select(Event.id).where(Event.idempotency_key == seen.idempotency_key)) is not None:
            counts.already_recorded += 1
            return
        github_events.append(session, BACKFILL, seen.idempotency_key, seen)
        counts.recorded += 1
