"""never pairs

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('never_pairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('mentee_id', sa.Integer(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mentee_id'], ['members.id'], name=op.f('fk_never_pairs_mentee_id_members')),
    sa.ForeignKeyConstraint(['mentor_id'], ['members.id'], name=op.f('fk_never_pairs_mentor_id_members')),
    sa.ForeignKeyConstraint(['set_by_id'], ['members.id'], name=op.f('fk_never_pairs_set_by_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_never_pairs')),
    sa.UniqueConstraint('mentor_id', 'mentee_id', name=op.f('uq_never_pairs_mentor_id_mentee_id'))
    )


def downgrade() -> None:
    op.drop_table('never_pairs')
