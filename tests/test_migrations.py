"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import models
from api.services.erasure import ERASED
from models import Event, Member
from models.base import make_engine, utcnow
from models.migrate import upgrade


# SQLite cannot reflect an index on an expression (lower(github_login)), so there it is left out of the
# comparison; PostgreSQL compares it.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrations_match_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), models.Base.metadata)
    engine.dispose()
    assert differences == []


def test_the_ledger_is_append_only_except_that_erasure_may_blank_a_value(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(Event).values(
                at=utcnow(),
                kind="member.suspended",
                subject_type="member",
                subject_id=1,
                payload={"reason": "x y z"},
            )
        )
    attempts = {
        "blank a value": {"payload": {"reason": ERASED}},
        "change a value": {"payload": {"reason": "something else"}},
        "add a key": {"payload": {"reason": ERASED, "extra": 1}},
        "drop a key": {"payload": {}},
        "change the kind": {"kind": "member.reinstated"},
    }
    allowed = {}
    for name, values in attempts.items():
        try:
            with engine.begin() as conn:
                conn.execute(sa.update(Event).values(**values))
            allowed[name] = True
        except sa.exc.DBAPIError:
            allowed[name] = False
    with pytest.raises(sa.exc.DBAPIError), engine.begin() as conn:
        conn.execute(sa.delete(Event))
    engine.dispose()
    assert allowed == {
        "blank a value": True,
        "change a value": False,
        "add a key": False,
        "drop a key": False,
        "change the kind": False,
    }


def test_a_github_login_is_held_once_whatever_its_case(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.insert(Member).values(email="a@example.org", display_name="A", github_login="Alice"))
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.insert(Member).values(email="b@example.org", display_name="B", github_login="alice"))
    engine.dispose()


def test_migrating_refuses_logins_that_differ_only_in_case_and_names_the_members(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'older.db'}"
    upgrade(url, "0020")
    engine = make_engine(url)
    with engine.begin() as conn:
        for email, login in (("a@example.org", "Alice"), ("b@example.org", "alice"), ("c@example.org", "bo")):
            conn.execute(sa.insert(Member).values(email=email, display_name=email[0], github_login=login))
    with pytest.raises(RuntimeError, match=r"alice: members 1 and 2\)\. Clear the wrong one's login"):
        upgrade(url)
    with engine.begin() as conn:
        conn.execute(sa.update(Member).where(Member.id == 2).values(github_login=None))
    engine.dispose()
    upgrade(url)
