"""mentorship feedback kept

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: pairings that ended before it kept their feedback only in the workflow's history.
    with op.batch_alter_table("mentorships") as batch_op:
        batch_op.add_column(sa.Column("mentor_feedback", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("mentee_feedback", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mentorships") as batch_op:
        batch_op.drop_column("mentee_feedback")
        batch_op.drop_column("mentor_feedback")
