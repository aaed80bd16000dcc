"""the ledger stays append-only, except that erasure may replace payload values with "[erased]"

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-21
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "events are append-only"
ERASED = "[erased]"  # api/services/erasure.py writes this in place of what a person wrote or who they are
SAME_ROW = " AND ".join(
    f"NEW.{column} IS NOT DISTINCT FROM OLD.{column}"
    for column in ("id", "at", "actor_id", "kind", "subject_type", "subject_id", "idempotency_key")
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'UPDATE' AND {SAME_ROW} AND NOT EXISTS ("
            "SELECT 1 FROM json_each(OLD.payload) AS o FULL JOIN json_each(NEW.payload) AS n ON n.key = o.key "
            "WHERE n.key IS NULL OR o.key IS NULL "
            f"OR (n.value::text <> o.value::text AND n.value::text <> '\"{ERASED}\"')"
            f") THEN RETURN NEW; END IF; RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
    else:
        same_row = SAME_ROW.replace("IS NOT DISTINCT FROM", "IS")
        op.execute("DROP TRIGGER events_no_update")
        op.execute(
            "CREATE TRIGGER events_no_update BEFORE UPDATE ON events WHEN NOT ("
            f"{same_row} "
            "AND (SELECT count(*) FROM json_each(NEW.payload)) = (SELECT count(*) FROM json_each(OLD.payload)) "
            "AND NOT EXISTS (SELECT 1 FROM json_each(OLD.payload) AS o LEFT JOIN json_each(NEW.payload) AS n "
            f"ON n.key = o.key WHERE n.key IS NULL OR (n.value IS NOT o.value AND n.value IS NOT '{ERASED}'))"
            f") BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
    else:
        op.execute("DROP TRIGGER events_no_update")
        op.execute(
            f"CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
