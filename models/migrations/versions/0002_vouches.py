"""vouches

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('vouches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('voucher_id', sa.Integer(), nullable=False),
    sa.Column('vouchee_id', sa.Integer(), nullable=False),
    sa.Column('statement', sa.String(length=500), nullable=False),
    sa.Column('relation', sa.Enum('worked-together', 'met-at-event', 'organizer-interview', name='relation', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['vouchee_id'], ['members.id'], name=op.f('fk_vouches_vouchee_id_members')),
    sa.ForeignKeyConstraint(['voucher_id'], ['members.id'], name=op.f('fk_vouches_voucher_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vouches')),
    sa.UniqueConstraint('voucher_id', 'vouchee_id', name=op.f('uq_vouches_voucher_id_vouchee_id'))
    )
    with op.batch_alter_table('vouches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vouches_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_vouches_vouchee_id'), ['vouchee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vouches_voucher_id'), ['voucher_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('vouches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vouches_voucher_id'))
        batch_op.drop_index(batch_op.f('ix_vouches_vouchee_id'))
        batch_op.drop_index(batch_op.f('ix_vouches_created_at'))

    op.drop_table('vouches')
