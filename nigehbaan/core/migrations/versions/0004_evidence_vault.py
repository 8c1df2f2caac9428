"""evidence vault: items, frames, previews, links, refusals, custody

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-29 05:10:40.748253
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = ('evidence',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('custody_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('session_ref', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('case_ref', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custody_events'))
    )
    with op.batch_alter_table('custody_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custody_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_events_case_ref'), ['case_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_events_seq'), ['seq'], unique=True)
        batch_op.create_index(batch_op.f('ix_custody_events_sha256'), ['sha256'], unique=False)

    op.create_table('evidence_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('sha1', sa.String(length=40), nullable=False),
    sa.Column('md5', sa.String(length=32), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('mime', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('pdq', sa.String(length=64), nullable=True),
    sa.Column('pdq_quality', sa.Integer(), nullable=True),
    sa.Column('perceptual', sa.String(length=16), nullable=False),
    sa.Column('perceptual_reason', sa.Text(), nullable=False),
    sa.Column('duration', sa.Float(), nullable=True),
    sa.Column('metadata', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_items')),
    sa.UniqueConstraint('sha256', name=op.f('uq_evidence_items_sha256'))
    )
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_items_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_items_md5'), ['md5'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_items_sha1'), ['sha1'], unique=False)

    op.create_table('case_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('path', sa.String(length=1000), nullable=False),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acquired_by', sa.String(length=120), nullable=False),
    sa.Column('reviewed', sa.Boolean(), nullable=False),
    sa.Column('reviewed_by', sa.String(length=120), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_items_case_id_cases')),
    sa.ForeignKeyConstraint(['item_id'], ['evidence_items.id'], name=op.f('fk_case_items_item_id_evidence_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_items')),
    sa.UniqueConstraint('case_id', 'source', 'path', name='uq_case_items_case_source_path')
    )
    with op.batch_alter_table('case_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_items_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_case_items_item_case', ['item_id', 'case_id'], unique=False)

    op.create_table('evidence_frames',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('pdq', sa.String(length=64), nullable=False),
    sa.Column('quality', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['evidence_items.id'], name=op.f('fk_evidence_frames_item_id_evidence_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_frames'))
    )
    with op.batch_alter_table('evidence_frames', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_frames_item_id'), ['item_id'], unique=False)

    op.create_table('evidence_previews',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('jpeg', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['evidence_items.id'], name=op.f('fk_evidence_previews_item_id_evidence_items')),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_evidence_previews'))
    )
    op.create_table('ingest_refusals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('path', sa.String(length=1000), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_ingest_refusals_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ingest_refusals')),
    sa.UniqueConstraint('case_id', 'source', 'path', name='uq_ingest_refusals_case_source_path')
    )
    with op.batch_alter_table('ingest_refusals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ingest_refusals_case_id'), ['case_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ingest_refusals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ingest_refusals_case_id'))

    op.drop_table('ingest_refusals')
    op.drop_table('evidence_previews')
    with op.batch_alter_table('evidence_frames', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_frames_item_id'))

    op.drop_table('evidence_frames')
    with op.batch_alter_table('case_items', schema=None) as batch_op:
        batch_op.drop_index('ix_case_items_item_case')
        batch_op.drop_index(batch_op.f('ix_case_items_case_id'))

    op.drop_table('case_items')
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_items_sha1'))
        batch_op.drop_index(batch_op.f('ix_evidence_items_md5'))
        batch_op.drop_index(batch_op.f('ix_evidence_items_kind'))

    op.drop_table('evidence_items')
    with op.batch_alter_table('custody_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_custody_events_sha256'))
        batch_op.drop_index(batch_op.f('ix_custody_events_seq'))
        batch_op.drop_index(batch_op.f('ix_custody_events_case_ref'))
        batch_op.drop_index(batch_op.f('ix_custody_events_action'))

    op.drop_table('custody_events')
