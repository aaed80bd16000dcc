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
# NOTIFY is sent at commit, once per distinct payload in the transaction: a member's id, or "choices" when
# the chapters or projects a journey form offers change. SQLite has no cache to drop.
WATCHED = {"members": "id::text", "journey_views": "member_id::text", "chapters": "'choices'", "projects": "'choices'"}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, payload in WATCHED.items():
        op.execute(
            f"CREATE FUNCTION {table}_read_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' THEN PERFORM pg_notify('{CHANNEL}', {_of('OLD', payload)}); "
            f"ELSE PERFORM pg_notify('{CHANNEL}', {_of('NEW', payload)}); END IF; RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_read_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_read_changed()"
        )


def _of(row: str, payload: str) -> str:
    return payload if payload.startswith("'") else f"{row}.{payload}"


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in WATCHED:
        op.execute(f"DROP TRIGGER {table}_read_changed ON {table}")
        op.execute(f"DROP FUNCTION {table}_read_changed()")
