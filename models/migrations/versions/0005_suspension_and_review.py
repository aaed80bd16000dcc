"""suspension, penalties and the review queue

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('review_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('shared-voucher', 'ring-pattern', 'level-approval', name='reviewkind', native_enum=False, length=20), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('open_key', sa.String(length=200), nullable=True),
    sa.Column('resolved_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Enum('cleared', 'suspended', 'approved', name='reviewoutcome', native_enum=False, length=20), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_review_items_member_id_members')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['members.id'], name=op.f('fk_review_items_resolved_by_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_items')),
    sa.UniqueConstraint('open_key', name=op.f('uq_review_items_open_key'))
    )
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_items_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_items_member_id'), ['member_id'], unique=False)

    op.create_table('vouch_penalties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('voucher_id', sa.Integer(), nullable=False),
    sa.Column('vouchee_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lifted_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['vouchee_id'], ['members.id'], name=op.f('fk_vouch_penalties_vouchee_id_members')),
    sa.ForeignKeyConstraint(['voucher_id'], ['members.id'], name=op.f('fk_vouch_penalties_voucher_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vouch_penalties')),
    sa.UniqueConstraint('voucher_id', 'vouchee_id', 'created_at', name=op.f('uq_vouch_penalties_voucher_id_vouchee_id_created_at'))
    )
    with op.batch_alter_table('vouch_penalties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vouch_penalties_voucher_id'), ['voucher_id'], unique=False)

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_level', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('suspended_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('suspended_reason', sa.String(length=500), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('suspended_reason')
        batch_op.drop_column('suspended_at')
        batch_op.drop_column('approved_level')

    with op.batch_alter_table('vouch_penalties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vouch_penalties_voucher_id'))

    op.drop_table('vouch_penalties')
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_items_member_id'))
        batch_op.drop_index(batch_op.f('ix_review_items_kind'))

    op.drop_table('review_items')
