"""intake portal: reports, receipts, messages, contacts, reported hashes

Hand-checked: only the intake tables; portal_reports references cases (core, 0001).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 05:23:35.745294
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = ('intake',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('portal_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('lookup_key', sa.String(length=64), nullable=False),
    sa.Column('receipt_hash', sa.String(length=255), nullable=False),
    sa.Column('form_nonce', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('reporter_role', sa.String(length=16), nullable=False),
    sa.Column('age_band', sa.String(length=16), nullable=False),
    sa.Column('spreading_now', sa.String(length=16), nullable=False),
    sa.Column('platform', sa.String(length=200), nullable=False),
    sa.Column('groups', sa.Text(), nullable=False),
    sa.Column('people', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_portal_reports_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_reports')),
    sa.UniqueConstraint('form_nonce', name=op.f('uq_portal_reports_form_nonce'))
    )
    with op.batch_alter_table('portal_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_reports_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_reports_lookup_key'), ['lookup_key'], unique=False)

    op.create_table('portal_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('raw', sa.String(length=300), nullable=False),
    sa.Column('value', sa.String(length=300), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.Column('problem', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['portal_reports.id'], name=op.f('fk_portal_contacts_report_id_portal_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_contacts'))
    )
    with op.batch_alter_table('portal_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_contacts_report_id'), ['report_id'], unique=False)

    op.create_table('portal_hashes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('md5', sa.String(length=32), nullable=False),
    sa.Column('pdq', sa.String(length=64), nullable=True),
    sa.Column('pdq_displayed', sa.String(length=64), nullable=True),
    sa.Column('quality', sa.Integer(), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('found_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('found_by', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['portal_reports.id'], name=op.f('fk_portal_hashes_report_id_portal_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_hashes'))
    )
    with op.batch_alter_table('portal_hashes', schema=None) as batch_op:
        batch_op.create_index('ix_portal_hashes_md5', ['md5'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_hashes_report_id'), ['report_id'], unique=False)
        batch_op.create_index('ix_portal_hashes_sha256', ['sha256'], unique=False)

    op.create_table('portal_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('officer', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('form_nonce', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['portal_reports.id'], name=op.f('fk_portal_messages_report_id_portal_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_messages')),
    sa.UniqueConstraint('form_nonce', name=op.f('uq_portal_messages_form_nonce'))
    )
    with op.batch_alter_table('portal_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_messages_report_id'), ['report_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('portal_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_messages_report_id'))

    op.drop_table('portal_messages')
    with op.batch_alter_table('portal_hashes', schema=None) as batch_op:
        batch_op.drop_index('ix_portal_hashes_sha256')
        batch_op.drop_index(batch_op.f('ix_portal_hashes_report_id'))
        batch_op.drop_index('ix_portal_hashes_md5')

    op.drop_table('portal_hashes')
    with op.batch_alter_table('portal_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_contacts_report_id'))

    op.drop_table('portal_contacts')
    with op.batch_alter_table('portal_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_reports_lookup_key'))
        batch_op.drop_index(batch_op.f('ix_portal_reports_case_id'))

    op.drop_table('portal_reports')
