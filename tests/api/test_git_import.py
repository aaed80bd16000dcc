"""Importing a real clone's history: members' commits by email, others waiting on a claimable identity,
bots and merges left out, and a second import adding nothing (on SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from api.git_import import Commit, ImportCounts, import_git_log, parse_log
from api.services import identities
from domain.errors import InvalidField
from models import Event, Member, UnclaimedIdentity
from tests.factories import Db

ALICE = "Alice Liddell <Alice@Example.ORG>"  # the member signed up as alice@example.org
BOB = "Bob Stranger <bob@elsewhere.net>"
DEPENDABOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
RENOVATE = "Renovate <29139614+renovate[bot]@users.noreply.github.com>"


class Clone:
    """A throwaway repository, written with git itself, isolated from the machine's git configuration."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir()
        self.env = {
            **os.environ,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_COMMITTER_NAME": "Committer",
            "GIT_COMMITTER_EMAIL": "committer@example.org",
            # Who merges: a member, so a merge commit counted by mistake would show in her total.
            "GIT_AUTHOR_NAME": "Alice Liddell",
            "GIT_AUTHOR_EMAIL": "alice@example.org",
        }
        self.git("init", "--quiet", "--initial-branch=main")

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(self.path), *args], env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def commit(self, author: str, message: str, date: str = "2026-01-02T03:04:05+02:00") -> str:
        self.git("commit", "--quiet", "--allow-empty", f"--author={author}", f"--date={date}", "-m", message)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def clone(tmp_path: Path) -> Clone:
    return Clone(tmp_path / "clone")


def commits_in_ledger(db: Db) -> list[Event]:
    with db.sessions() as s:
        return list(s.scalars(select(Event).where(Event.kind == "contribution.commit").order_by(Event.id)))


def test_commits_are_recorded_for_members_by_email_and_for_identities_otherwise(db: Db, clone: Clone) -> None:
    alice = db.member("alice@example.org")
    first = clone.commit(ALICE, "Add the volunteer roster")
    clone.commit(BOB, "Fix a typo")
    clone.commit(DEPENDABOT, "Bump jinja2 from 3.1.4 to 3.1.6")
    clone.commit(RENOVATE, "Update dependency ruff")
    clone.git("checkout", "--quiet", "-b", "feature")
    clone.commit(ALICE, "Add shift reminders")
    clone.git("checkout", "--quiet", "main")
    clone.git("merge", "--quiet", "--no-ff", "feature", "-m", "Merge branch 'feature'")
    assert clone.git("log", "--merges", "--format=%an"), "the history should hold a merge by Alice"

    counts = import_git_log(db.sessions, clone.path)

    assert counts == ImportCounts(
        commits=5, matched=2, unclaimed=1, unclaimed_identities=1, already_imported=0, bots=2
    )
    with db.sessions() as s:
        [bob] = s.scalars(select(UnclaimedIdentity)).all()
    assert (bob.provider, bob.value) == ("git-email", "bob@elsewhere.net")
    recorded = commits_in_ledger(db)
    assert sorted((e.subject_type, e.subject_id) for e in recorded) == [
        ("identity", bob.id),
        ("member", alice.id),
        ("member", alice.id),
    ]
    oldest = next(e for e in recorded if e.idempotency_key == f"git/{first}")
    assert oldest.at == datetime(2026, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert oldest.payload == {"ref": first, "source": "git"} and oldest.actor_id == alice.id


def test_a_second_import_adds_nothing_and_a_claimed_identity_brings_new_commits_to_its_member(
    db: Db, clone: Clone
) -> None:
    clone.commit(BOB, "Fix a typo")
    clone.commit(DEPENDABOT, "Bump jinja2")
    import_git_log(db.sessions, clone.path)

    again = import_git_log(db.sessions, clone.path)

    assert again == ImportCounts(
        commits=2, matched=0, unclaimed=0, unclaimed_identities=0, already_imported=1, bots=1
    )
    assert len(commits_in_ledger(db)) == 1

    bob = db.member("bob@example.org")  # signed up with another address, then claimed the old one
    with db.sessions.begin() as s:
        identities.claim(s, s.get(Member, bob.id), "git-email", "Bob@Elsewhere.net")  # type: ignore[arg-type]
    clone.commit(BOB, "Add the sign-up form")

    later = import_git_log(db.sessions, clone.path)

    assert (later.matched, later.already_imported) == (1, 1)
    newest = commits_in_ledger(db)[-1]
    assert (newest.subject_type, newest.subject_id, newest.actor_id) == ("member", bob.id, bob.id)


def test_a_path_that_is_not_a_clone_is_refused_with_what_git_said(db: Db, tmp_path: Path) -> None:
    with pytest.raises(InvalidField) as refused:
        import_git_log(db.sessions, tmp_path / "nowhere")

    assert refused.value.field == "path"
    assert "is not a readable git clone" in str(refused.value)
    assert commits_in_ledger(db) == []


def test_the_log_format_reads_names_with_spaces_and_unicode_and_offsets() -> None:
    output = (
        "3f1c\x1fZoë O'Brien-Ngũgĩ\x1fzoe@example.org\x1f2026-03-04T05:06:07-08:00\n"
        "\n"
        "9a2b\x1fdependabot[bot]\x1f49699333+dependabot[bot]@users.noreply.github.com\x1f2026-03-05T00:00:00Z\n"
    )

    zoe, bot = parse_log(output)

    assert zoe == Commit(
        "3f1c", "Zoë O'Brien-Ngũgĩ", "zoe@example.org", datetime(2026, 3, 4, 13, 6, 7, tzinfo=UTC)
    )
    assert not zoe.by_bot() and bot.by_bot()
    assert zoe.by_bot(("-ngũgĩ", "[bot]")) and not bot.by_bot(("-ci",))  # the policy's suffixes decide


def test_a_log_line_with_missing_fields_is_named() -> None:
    with pytest.raises(InvalidField) as refused:
        parse_log("3f1c\x1fZoë\x1fzoe@example.org\n")

    assert "line 1 has 3 fields" in str(refused.value)
