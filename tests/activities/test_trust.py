"""The recompute writes one score per member per run, applies level changes once, and explains them."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from activities.contracts import RecomputeTrust
from activities.trust import TrustStore
from api.settings import Settings
from domain.access import Permission, TargetKind
from domain.roles import Role
from domain.vouching import Relation
from models import AccessGrant, Event, GrantStatus, Member, ReviewItem, ReviewKind, TrustScore, Vouch
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


def _joined(db: Db, member_id: int, days_ago: int) -> None:
    with db.sessions.begin() as s:
        s.get(Member, member_id).signed_up_at = NOW - timedelta(days=days_ago)


def _contribution(db: Db, member_id: int, kind: str, days_ago: int) -> None:
    with db.sessions.begin() as s:
        s.add(
            Event(
                at=NOW - timedelta(days=days_ago),
                kind=f"contribution.{kind}",
                subject_type="member",
                subject_id=member_id,
                payload={},
            )
        )


def test_contributions_are_the_second_axis_and_a_suspension_takes_the_trust_away(
    db: Db, settings: Settings
) -> None:
    north, south = db.chapter("North"), db.chapter("South")
    lead = db.member("lead@example.org", role=Role.ORGANIZER, chapter_id=north.id)
    lead2 = db.member("lead2@example.org", role=Role.ORGANIZER, chapter_id=south.id)
    worker, idle = db.member("worker@example.org"), db.member("idle@example.org")
    for member in (worker, idle):
        _joined(db, member.id, 60)
        vouch(db, lead.id, member.id)
        vouch(db, lead2.id, member.id)
    _contribution(db, worker.id, "pr_merged", 10)
    _contribution(db, worker.id, "review", 400)  # too old to count, though it still adds a little activity
    trust = TrustStore(db.sessions, settings.policy)

    promoted = trust.recompute_trust(RecomputeTrust("run-1", NOW))
    with db.sessions.begin() as s:
        s.get(Member, worker.id).suspended_at = NOW
    suspended = trust.recompute_trust(RecomputeTrust("run-2", NOW))

    assert sorted((c.member_id, c.new) for c in promoted.changes) == [(worker.id, 2), (idle.id, 1)]
    assert [(c.member_id, c.new, c.action) for c in suspended.changes] == [(worker.id, 0, "demote")]
    with db.session() as s:
        score = s.query(TrustScore).filter_by(member_id=worker.id, run_id="run-1").one()
    holding = {row["requirement"]: row["value"] for row in score.checklist["holding"]}
    assert holding["Contributions (merged PRs, reviews, events)"] == 1


def test_the_top_level_waits_in_the_review_queue_until_an_organizer_approves(
    db: Db, settings: Settings
) -> None:
    north, south = db.chapter("North"), db.chapter("South")
    lead = db.member("lead@example.org", role=Role.ORGANIZER, chapter_id=north.id)
    lead2 = db.member("lead2@example.org", role=Role.ORGANIZER, chapter_id=south.id)
    veteran = db.member("veteran@example.org")
    _joined(db, veteran.id, 400)
    with db.sessions.begin() as s:
        s.get(Member, veteran.id).trust_level = 3
    for organizer in (lead, lead2):
        vouch(db, organizer.id, veteran.id, Relation.ORGANIZER_INTERVIEW)
    for days_ago in (3, 10, 20):
        _contribution(db, veteran.id, "pr_merged", days_ago)
    trust = TrustStore(db.sessions, settings.policy)

    waiting = trust.recompute_trust(RecomputeTrust("run-1", NOW))
    again = trust.recompute_trust(RecomputeTrust("run-2", NOW))
    with db.sessions.begin() as s:
        s.get(Member, veteran.id).approved_level = 4
    approved = trust.recompute_trust(RecomputeTrust("run-3", NOW))

    assert (waiting.changes, again.changes) == ([], [])
    with db.session() as s:
        items = s.query(ReviewItem).filter_by(kind=ReviewKind.LEVEL_APPROVAL).all()
    assert [i.member_id for i in items] == [veteran.id]
    assert [(c.member_id, c.new, c.action) for c in approved.changes] == [(veteran.id, 4, "promote")]


def test_a_burst_of_new_accounts_vouching_for_each_other_is_queued_for_review_not_banned(
    db: Db, settings: Settings
) -> None:
    rng = random.Random(7)
    honest = [db.member(f"h{i}@example.org") for i in range(60)]
    ring = [db.member(f"r{i}@example.org") for i in range(6)]
    with db.sessions.begin() as s:
        for i, member in enumerate(honest):
            for other in rng.sample(honest[:i] or honest[1:2], k=min(i, 2) or 1):
                if other.id != member.id:
                    s.add(_vouch_row(other.id, member.id, NOW - timedelta(days=rng.randint(60, 700))))
        for a in ring:
            for b in ring:
                if a.id != b.id:
                    s.add(_vouch_row(a.id, b.id, NOW - timedelta(hours=rng.randint(1, 20))))

    TrustStore(db.sessions, settings.policy).recompute_trust(RecomputeTrust("run-1", NOW))

    with db.session() as s:
        flagged = {i.member_id for i in s.query(ReviewItem).filter_by(kind=ReviewKind.RING_PATTERN)}
        banned = s.query(Member).filter(Member.suspended_at.is_not(None)).count()
    assert flagged and flagged <= {m.id for m in ring}
    assert banned == 0


def _vouch_row(voucher: int, vouchee: int, at: datetime) -> Vouch:
    return Vouch(
        voucher_id=voucher,
        vouchee_id=vouchee,
        statement="known",
        relation=Relation.WORKED_TOGETHER,
        created_at=at,
        expires_at=NOW + timedelta(days=300),
    )


def test_a_member_demoted_after_a_revoked_vouch_has_their_open_grants_named_for_a_recheck(
    db: Db, settings: Settings
) -> None:
    north, south = db.chapter("North"), db.chapter("South")
    lead = db.member("lead@example.org", role=Role.ORGANIZER, chapter_id=north.id)
    lead2 = db.member("lead2@example.org", role=Role.ORGANIZER, chapter_id=south.id)
    holder = db.member("holder@example.org")
    vouch(db, lead.id, holder.id)
    vouch(db, lead2.id, holder.id, revoked_at=NOW - timedelta(days=1))  # one of the two vouches withdrawn
    with db.sessions.begin() as s:
        member = s.get(Member, holder.id)
        member.trust_level, member.trust_warned_at = 1, NOW - timedelta(days=30)  # warned long ago
        s.add(
            AccessGrant(
                workflow_id="access-x-repo-website",
                member_id=holder.id,
                target_kind=TargetKind.REPO,
                target="website",
                permission=Permission.TRIAGE,
                status=GrantStatus.ACTIVE,
                reason="Access is active.",
                requested_at=NOW - timedelta(days=60),
            )
        )

    result = TrustStore(db.sessions, settings.policy).recompute_trust(RecomputeTrust("run-1", NOW))

    [change] = result.changes
    assert (change.member_id, change.new, change.grant_workflow_ids) == (
        holder.id,
        0,
        ["access-x-repo-website"],
    )
