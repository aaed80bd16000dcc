"""`perennial import git PATH`: a local clone's commits as `contribution.commit` events, once each.

Authors are matched to members by email; the rest are recorded against an unclaimed `git-email`
identity that a member can claim later. Bots' commits are left out. Each commit's ledger key is its
sha, so importing the same (or a forked) history again adds nothing.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.services import identities
from domain.contributions import ContributionKind
from domain.errors import InvalidField
from domain.github_events import BOT_SUFFIXES, is_bot
from models import Event, Member

FIELD, FORMAT = "\x1f", "%H%x1f%an%x1f%ae%x1f%aI"
KEY_PREFIX = "git/"


@dataclass(frozen=True)
class Commit:
    sha: str
    author_name: str
    author_email: str
    authored_at: datetime

    def by_bot(self, suffixes: tuple[str, ...] = BOT_SUFFIXES) -> bool:
        """The author's name, or the name part of their email, ends with one of the suffixes."""
        local_part = self.author_email.rsplit("@", 1)[0]
        return is_bot(self.author_name, suffixes=suffixes) or is_bot(local_part, suffixes=suffixes)


@dataclass(frozen=True)
class ImportCounts:
    commits: int  # read from the log, merges left out
    matched: int  # recorded for a member (by email, or through an identity they claimed)
    unclaimed: int  # recorded for an identity nobody has claimed yet
    unclaimed_identities: int  # how many such identities those commits came from
    already_imported: int  # skipped: recorded by an earlier import
    bots: int  # skipped: written by a bot


def import_git_log(
    sessions: sessionmaker[Session],
    path: Path,
    project: str | None = None,
    bot_suffixes: tuple[str, ...] = BOT_SUFFIXES,
) -> ImportCounts:
    """Read the clone's history and append the commits not in the ledger yet, in one transaction."""
    commits = parse_log(read_log(path))
    with sessions.begin() as session:
        return record_commits(session, commits, project, bot_suffixes)


def read_log(path: Path) -> str:
    git = shutil.which("git")
    if git is None:
        raise InvalidField("path", "git is not installed; install it to import a clone's history.")
    try:
        finished = subprocess.run(  # noqa: S603 (a fixed argument list, no shell; path is one argument)
            [
                git,
                "-C",
                str(path),
                "-c",
                "log.showSignature=false",
                "log",
                "--no-merges",
                f"--format={FORMAT}",
            ],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
    except OSError as exc:
        raise InvalidField("path", f"{path}: git could not be run ({exc}).") from exc
    if finished.returncode != 0:
        problem = finished.stderr.strip() or f"git log exited with {finished.returncode}"
        raise InvalidField("path", f"{path} is not a readable git clone: {problem}")
    return finished.stdout


def parse_log(output: str) -> list[Commit]:
    commits = []
    for number, line in enumerate(output.splitlines(), start=1):
        if not line:
            continue
        fields = line.split(FIELD)
        if len(fields) != 4:
            raise InvalidField("path", f"git log line {number} has {len(fields)} fields, not 4: {line!r}")
        sha, name, email, authored = fields
        commits.append(Commit(sha, name, email, datetime.fromisoformat(authored)))
    return commits


def record_commits(
    session: Session,
    commits: Iterable[Commit],
    project: str | None = None,
    bot_suffixes: tuple[str, ...] = BOT_SUFFIXES,
) -> ImportCounts:
    imported = set(
        session.scalars(select(Event.idempotency_key).where(Event.idempotency_key.startswith(KEY_PREFIX)))
    )
    members = {
        email: member_id for email, member_id in session.execute(select(func.lower(Member.email), Member.id))
    }
    read = matched = unclaimed = already = bots = 0
    unclaimed_identities: set[int] = set()
    subjects: dict[str, identities.Subject] = {}  # by email: one lookup per author, not per commit
    for commit in commits:
        read += 1
        key = KEY_PREFIX + commit.sha
        if commit.by_bot(bot_suffixes):
            bots += 1
            continue
        if key in imported:
            already += 1
            continue
        email = commit.author_email.lower()
        if (subject := subjects.get(email)) is None:
            subject = identities.subject_for(session, identities.GIT_EMAIL, email, members.get(email))
            subjects[email] = subject
        if subject.member_id is None:
            unclaimed += 1
            unclaimed_identities.add(subject.id)
        else:
            matched += 1
        session.add(
            Event(
                at=commit.authored_at,
                actor_id=subject.member_id,
                kind=ContributionKind.COMMIT.ledger_kind,
                subject_type=subject.type,
                subject_id=subject.id,
                payload={"ref": commit.sha, "source": "git", **({"project": project} if project else {})},
                idempotency_key=key,
            )
        )
        imported.add(key)
    return ImportCounts(read, matched, unclaimed, len(unclaimed_identities), already, bots)
