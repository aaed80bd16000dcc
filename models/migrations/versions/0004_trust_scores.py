"""trust scores

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('trust_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.String(length=100), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('computed_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('advogato_level', sa.Integer(), nullable=False),
    sa.Column('rank_score', sa.Double(), nullable=False),
    sa.Column('rank_percentile', sa.Double(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_trust_scores_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_scores')),
    sa.UniqueConstraint('run_id', 'member_id', name=op.f('uq_trust_scores_run_id_member_id'))
    )
    with op.batch_alter_table('trust_scores', schema=None) as batch_op:
        batch_op.create_index('ix_trust_scores_member_computed', ['member_id', 'computed_at'], unique=False)

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trust_warned_at', models.base.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('trust_warned_at')

    with op.batch_alter_table('trust_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_trust_scores_member_computed')

    op.drop_table('trust_scores')
