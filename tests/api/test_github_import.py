"""Backfill from GitHub through PyGithub: merged PRs and reviews become contributions once, matched to
members by login, the rest kept as identities; the webhook's keys, so neither path counts twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from activities.github_client import github_from_settings
from api.github_import import import_github
from localgithub.models import seed as seed_file
from models import Event, Member, UnclaimedIdentity
from tests.factories import Db
from tests.github_server import LocalGitHub, running

SEED = Path(__file__).parents[2] / "localgithub" / "seed.example.toml"


@pytest.fixture(scope="module")
def github_world() -> Iterator[LocalGitHub]:
    with running(seed_file.load(SEED)) as local:
        yield local


def test_merged_pull_requests_and_reviews_are_recorded_once_each(db: Db, github_world: LocalGitHub) -> None:
    grace = db.member("grace@example.org")
    with db.sessions.begin() as s:
        s.get(Member, grace.id).github_login = "grace"  # type: ignore[union-attr]
    client = github_from_settings(base_url=github_world.url, token="local-admin-token")
    try:
        first = import_github(db.sessions, client, "perennial-demo")
        again = import_github(db.sessions, client, "perennial-demo")
    finally:
        client.close()

    assert first.recorded > 0 and (again.recorded, again.already_recorded) == (0, first.recorded)
    merged = db.events(grace.id, "contribution.pr_merged")
    assert [e.payload["ref"].rsplit("/", 2)[-2:] for e in merged] == [["pull", "1"]]
    with db.session() as s:
        reviews = s.query(Event).filter(Event.kind == "contribution.review").all()
        ada = s.query(UnclaimedIdentity).filter_by(provider="github", value="ada").one()
    review = next(r for r in reviews if r.subject_type == "identity" and r.subject_id == ada.id)
    assert review.payload["counterpart_id"] == grace.id  # ada reviewed grace's pull request
