"""drift reports

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('drift_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('found_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('findings', sa.Integer(), nullable=False),
    sa.Column('allowed', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('confirms_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('fixes', sa.JSON(), nullable=False),
    sa.Column('fixed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['members.id'], name=op.f('fk_drift_reports_confirmed_by_id_members')),
    sa.ForeignKeyConstraint(['confirms_id'], ['drift_reports.id'], name=op.f('fk_drift_reports_confirms_id_drift_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drift_reports')),
    sa.UniqueConstraint('key', name=op.f('uq_drift_reports_key'))
    )
    with op.batch_alter_table('drift_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drift_reports_confirms_id'), ['confirms_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_drift_reports_found_at'), ['found_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('drift_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drift_reports_found_at'))
        batch_op.drop_index(batch_op.f('ix_drift_reports_confirms_id'))

    op.drop_table('drift_reports')
