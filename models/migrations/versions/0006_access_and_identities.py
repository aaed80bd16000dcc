"""access grants and identities

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('access_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workflow_id', sa.String(length=200), nullable=False),
    sa.Column('run_number', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('target_kind', sa.Enum('repo', 'team', 'sandbox', name='targetkind', native_enum=False, length=20), nullable=False),
    sa.Column('target', sa.String(length=100), nullable=False),
    sa.Column('permission', sa.Enum('read', 'triage', 'write', 'maintain', 'admin', name='permission', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('refused', 'awaiting-approval', 'denied', 'unapproved', 'applying', 'invited', 'active', 'warned', 'revoked', 'lapsed', name='grantstatus', native_enum=False, length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('approvals', sa.JSON(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('active_since', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['members.id'], name=op.f('fk_access_grants_decided_by_id_members')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_access_grants_member_id_members')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['members.id'], name=op.f('fk_access_grants_requested_by_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_grants')),
    sa.UniqueConstraint('workflow_id', 'run_number', name=op.f('uq_access_grants_workflow_id_run_number'))
    )
    with op.batch_alter_table('access_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_grants_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_grants_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_grants_workflow_id'), ['workflow_id'], unique=False)

    op.create_table('identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=254), nullable=False),
    sa.Column('first_seen_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('claimed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['members.id'], name=op.f('fk_identities_claimed_by_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identities')),
    sa.UniqueConstraint('provider', 'value', name=op.f('uq_identities_provider_value'))
    )
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identities_claimed_by_id'), ['claimed_by_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identities_claimed_by_id'))

    op.drop_table('identities')
    with op.batch_alter_table('access_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_grants_workflow_id'))
        batch_op.drop_index(batch_op.f('ix_access_grants_status'))
        batch_op.drop_index(batch_op.f('ix_access_grants_member_id'))

    op.drop_table('access_grants')
