"""The recompute writes one score per member per run, applies level changes once, and explains them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from activities.contracts import RecomputeTrust
from activities.trust import TrustStore
from api.settings import Settings
from domain.roles import Role
from domain.vouching import Relation
from models import Member, TrustScore, Vouch
from tests.factories import Db

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def vouch(
    db: Db, voucher: int, vouchee: int, relation: Relation = Relation.WORKED_TOGETHER, **kw: object
) -> None:
    with db.sessions.begin() as s:
        s.add(
            Vouch(
                voucher_id=voucher,
                vouchee_id=vouchee,
                statement="known",
                relation=relation,
                created_at=NOW - timedelta(days=1),
                expires_at=kw.get("expires_at", NOW + timedelta(days=300)),
                revoked_at=kw.get("revoked_at"),
            )
        )


def test_a_vouched_member_is_promoted_once_and_every_member_gets_a_scored_row(
    db: Db, settings: Settings
) -> None:
    north, south = db.chapter("North"), db.chapter("South")
    lead = db.member("lead@example.org", role=Role.ORGANIZER, chapter_id=north.id)
    lead2 = db.member("lead2@example.org", role=Role.ORGANIZER, chapter_id=south.id)
    newbie = db.member("newbie@example.org")
    vouch(db, lead.id, newbie.id)
    vouch(db, lead2.id, newbie.id, Relation.ORGANIZER_INTERVIEW)
    trust = TrustStore(db.sessions, settings.policy)

    first = trust.recompute_trust(RecomputeTrust("run-1", NOW))
    retried = trust.recompute_trust(RecomputeTrust("run-1", NOW))

    assert first == retried
    assert (first.members, [(c.member_id, c.old, c.new, c.action) for c in first.changes]) == (
        3,
        [(newbie.id, 0, 1, "promote")],
    )
    assert db.count(TrustScore) == 3
    assert db.get(Member, newbie.id).trust_level == 1
    [event] = db.events(newbie.id, "trust.level_changed")
    assert (event.payload["from"], event.payload["to"]) == ("newcomer", "member")


def test_revoked_and_expired_vouches_count_for_nothing(db: Db, settings: Settings) -> None:
    north, south = db.chapter("North"), db.chapter("South")
    lead = db.member("lead@example.org", role=Role.ORGANIZER, chapter_id=north.id)
    lead2 = db.member("lead2@example.org", role=Role.ORGANIZER, chapter_id=south.id)
    newbie = db.member("newbie@example.org")
    vouch(db, lead.id, newbie.id, revoked_at=NOW - timedelta(hours=1))
    vouch(db, lead2.id, newbie.id, expires_at=NOW - timedelta(days=1))

    result = TrustStore(db.sessions, settings.policy).recompute_trust(RecomputeTrust("run-1", NOW))

    assert result.changes == []
    with db.session() as s:
        score = s.query(TrustScore).filter_by(member_id=newbie.id).one()
    assert (score.advogato_level, score.action, score.checklist["next_level"]) == (0, "keep", "member")
    assert score.checklist["missing"][0]["requirement"] == "Vouches from members"
