"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import models
from api.services.erasure import ERASED
from models import Event
from models.base import make_engine, utcnow


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
