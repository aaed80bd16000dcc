"""PostgreSQL tells web processes when a member's fast-path read changes (api/member_read_cache.py)

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-21
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "perennial_member_reads"  # api/member_read_cache.py listens on it
# NOTIFY is sent at commit, once per distinct member id in the transaction. SQLite has no cache to drop.
WATCHED = {"members": "id", "journey_views": "member_id"}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in WATCHED.items():
        op.execute(
            f"CREATE FUNCTION {table}_read_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' THEN PERFORM pg_notify('{CHANNEL}', OLD.{column}::text); "
            f"ELSE PERFORM pg_notify('{CHANNEL}', NEW.{column}::text); END IF; RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_read_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_read_changed()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in WATCHED:
        op.execute(f"DROP TRIGGER {table}_read_changed ON {table}")
        op.execute(f"DROP FUNCTION {table}_read_changed()")
