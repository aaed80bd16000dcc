"""cooked journey steps

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: views published before it have none, and their pages render the steps until they republish.
    with op.batch_alter_table("journey_views") as batch_op:
        batch_op.add_column(sa.Column("html", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("journey_views") as batch_op:
        batch_op.drop_column("html")
