"""PostgreSQL's member read cache: kept only while the database can tell it what changed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from api.journey_reads import MemberAndJourney, PostgresJourneyReads, SignedInMember
from api.member_read_cache import CHOICES, MemberReadCache
from domain.roles import Role
from models import Member
from tests.factories import Db


@pytest.fixture
def db(postgres_url: str) -> Db:
    return Db(postgres_url)


@pytest.fixture
async def reads(postgres_url: str) -> AsyncIterator[PostgresJourneyReads]:
    reads = PostgresJourneyReads(make_url(postgres_url).set(drivername="postgresql").render_as_string(False))
    await reads.open()
    await _until(lambda: reads._cache.get(0) is None and reads._cache._listening)
    yield reads
    await reads.close()


async def _until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the condition never held")


def _rename(db: Db, member_id: int, name: str) -> None:
    """Another process's write: only the database's notice can tell this process."""
    with db.sessions.begin() as session:
        session.execute(sa.update(Member).where(Member.id == member_id).values(display_name=name))


async def _kept(reads: PostgresJourneyReads, member_id: int) -> MemberAndJourney:
    """Read until the cache keeps it: the notice of the member's own insert may land during a read."""
    for _ in range(250):
        found = await reads.member_and_journey(member_id)
        if found is not None and reads._cache.get(member_id) == found:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError("the read was never kept")


async def _eventually_named(reads: PostgresJourneyReads, member_id: int, name: str) -> None:
    for _ in range(250):
        found = await reads.member_and_journey(member_id)
        if found is not None and found.member.display_name == name:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the read never showed {name!r}")


async def test_a_cached_read_is_dropped_when_another_process_changes_the_member(
    reads: PostgresJourneyReads, db: Db
) -> None:
    member = db.member("cached@example.org", name="Before")
    assert (await _kept(reads, member.id)).member.display_name == "Before"

    _rename(db, member.id, "After")
    await _until(lambda: reads._cache.get(member.id) is None)
    found = await reads.member_and_journey(member.id)

    assert found is not None and found.member.display_name == "After"


async def test_a_role_change_or_sign_out_elsewhere_reaches_the_next_read(
    reads: PostgresJourneyReads, db: Db
) -> None:
    member = db.member("epoch@example.org")
    await _kept(reads, member.id)
    with db.sessions.begin() as session:
        session.execute(
            sa.update(Member)
            .where(Member.id == member.id)
            .values(role=Role.ORGANIZER, session_epoch=Member.session_epoch + 1)
        )
    await _until(lambda: reads._cache.get(member.id) is None)
    found = await reads.member_and_journey(member.id)

    assert found is not None and (found.member.role, found.session_epoch) == (Role.ORGANIZER, 1)


async def test_losing_the_listening_connection_turns_the_cache_off_until_it_is_back(
    reads: PostgresJourneyReads, db: Db
) -> None:
    member = db.member("cut@example.org", name="Before")
    await _kept(reads, member.id)
    with db.engine.connect() as conn:
        conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN%' AND datname = current_database()"
            )
        )
    await _until(lambda: not reads._cache._listening)
    assert reads._cache.get(member.id) is None  # nothing is trusted while nobody is listening

    _rename(db, member.id, "While off")  # this notice is lost with the connection
    await _eventually_named(reads, member.id, "While off")
    await _until(lambda: reads._cache._listening, seconds=10)  # back after the retry pause
    await _kept(reads, member.id)
    _rename(db, member.id, "After")
    await _eventually_named(reads, member.id, "After")


async def test_a_read_that_raced_a_change_is_not_kept(postgres_url: str) -> None:
    cache = MemberReadCache(make_url(postgres_url).set(drivername="postgresql").render_as_string(False))
    cache.start()
    try:
        await _until(lambda: cache._listening)
        old = MemberAndJourney(SignedInMember(7, Role.MEMBER, "Old"), 0, None)
        began = cache.generation
        cache.forget(8)  # any notice while the read was in flight
        cache.put(7, old, began)
        assert cache.get(7) is None

        cache.put(7, old, cache.generation)
        assert cache.get(7) == old
    finally:
        await cache.stop()
    assert cache.get(7) is None


async def test_the_project_list_is_kept_until_a_project_changes(reads: PostgresJourneyReads, db: Db) -> None:
    db.project("phone-bank")
    for _ in range(250):  # the notice of the insert itself may land during the first reads
        first = await reads.choices()
        if reads._cache.get(CHOICES) == first:
            break
        await asyncio.sleep(0.02)
    assert [p.name for p in first.projects] == ["phone-bank"] and reads._cache.get(CHOICES) == first

    db.project("canvass-map")
    await _until(lambda: reads._cache.get(CHOICES) is None)

    assert [p.name for p in (await reads.choices()).projects] == ["canvass-map", "phone-bank"]


async def test_a_notice_that_is_not_ours_drops_everything(reads: PostgresJourneyReads, db: Db) -> None:
    member = db.member("stranger@example.org")
    await _kept(reads, member.id)
    with db.engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_notify('perennial_member_reads', 'not-an-id')"))
        conn.commit()
    await _until(lambda: reads._cache.get(member.id) is None)

    assert reads._cache._listening  # and it keeps listening
    assert (await _kept(reads, member.id)).member.id == member.id
