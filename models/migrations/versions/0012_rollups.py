"""rollups

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rollup_cohort_cells',
    sa.Column('cohort', sa.Integer(), nullable=False),
    sa.Column('k', sa.Integer(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('cohort', 'k', name=op.f('pk_rollup_cohort_cells'))
    )
    op.create_table('rollup_cycles',
    sa.Column('election', sa.Date(), nullable=False),
    sa.Column('person', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('election', 'person', name=op.f('pk_rollup_cycles'))
    )
    op.create_table('rollup_funnel',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('signed_up', sa.BigInteger(), nullable=True),
    sa.Column('code_of_conduct', sa.BigInteger(), nullable=True),
    sa.Column('vouched', sa.BigInteger(), nullable=True),
    sa.Column('first_contribution', sa.BigInteger(), nullable=True),
    sa.Column('mentored', sa.BigInteger(), nullable=True),
    sa.Column('access_read', sa.BigInteger(), nullable=True),
    sa.Column('access_triage', sa.BigInteger(), nullable=True),
    sa.Column('access_write', sa.BigInteger(), nullable=True),
    sa.Column('access_maintain', sa.BigInteger(), nullable=True),
    sa.Column('access_admin', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_rollup_funnel'))
    )
    op.create_table('rollup_months',
    sa.Column('person', sa.String(length=40), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('person', 'month', name=op.f('pk_rollup_months'))
    )
    op.create_table('rollup_spans',
    sa.Column('person', sa.String(length=40), nullable=False),
    sa.Column('first_at', sa.BigInteger(), nullable=False),
    sa.Column('last_at', sa.BigInteger(), nullable=False),
    sa.Column('first_month', sa.Integer(), nullable=False),
    sa.Column('contributions', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('person', name=op.f('pk_rollup_spans'))
    )
    op.create_table('rollup_state',
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_rollup_state'))
    )


def downgrade() -> None:
    op.drop_table('rollup_state')
    op.drop_table('rollup_spans')
    op.drop_table('rollup_months')
    op.drop_table('rollup_funnel')
    op.drop_table('rollup_cycles')
    op.drop_table('rollup_cohort_cells')
