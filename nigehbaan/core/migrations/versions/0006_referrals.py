"""referrals: inbound reports, reported files, IP captures, arrival hits, attributions,
outgoing referrals and their moves

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-29 05:17:15.081146
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = ('referrals',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('arrival_hits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('other_case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=256), nullable=False),
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_arrival_hits_case_id_cases')),
    sa.ForeignKeyConstraint(['other_case_id'], ['cases.id'], name=op.f('fk_arrival_hits_other_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arrival_hits'))
    )
    with op.batch_alter_table('arrival_hits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arrival_hits_case_id'), ['case_id'], unique=False)

    op.create_table('inbound_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=32), nullable=False),
    sa.Column('source_id', sa.String(length=120), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('original', sa.Text(), nullable=False),
    sa.Column('unknown', sa.JSON(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('imported_by', sa.String(length=120), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_inbound_reports_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_reports')),
    sa.UniqueConstraint('format', 'source_id', name='uq_inbound_reports_format')
    )
    with op.batch_alter_table('inbound_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_reports_case_id'), ['case_id'], unique=False)

    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('media_approved_by', sa.String(length=120), nullable=False),
    sa.Column('media_approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('media_reason', sa.Text(), nullable=False),
    sa.Column('package_sha256', sa.String(length=64), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_referrals_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_status'), ['status'], unique=False)

    op.create_table('reported_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('file_key', sa.String(length=40), nullable=False),
    sa.Column('algorithm', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=256), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('annotations', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_reported_files_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reported_files'))
    )
    with op.batch_alter_table('reported_files', schema=None) as batch_op:
        batch_op.create_index('ix_reported_files_algorithm_value', ['algorithm', 'value'], unique=False)
        batch_op.create_index(batch_op.f('ix_reported_files_case_id'), ['case_id'], unique=False)

    op.create_table('country_attributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('set_by', sa.String(length=120), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_country_attributions_case_id_cases')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_country_attributions_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_country_attributions')),
    sa.UniqueConstraint('person_id', 'country', name='uq_country_attributions_person_country')
    )
    with op.batch_alter_table('country_attributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_country_attributions_case_id'), ['case_id'], unique=False)

    op.create_table('ip_captures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('event', sa.String(length=80), nullable=False),
    sa.Column('port', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_ip_captures_case_id_cases')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_ip_captures_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ip_captures'))
    )
    with op.batch_alter_table('ip_captures', schema=None) as batch_op:
        batch_op.create_index('ix_ip_captures_address', ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_ip_captures_case_id'), ['case_id'], unique=False)

    op.create_table('referral_moves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=False),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_moves_referral_id_referrals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_moves'))
    )
    with op.batch_alter_table('referral_moves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_moves_referral_id'), ['referral_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('referral_moves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_moves_referral_id'))

    op.drop_table('referral_moves')
    with op.batch_alter_table('ip_captures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ip_captures_case_id'))
        batch_op.drop_index('ix_ip_captures_address')

    op.drop_table('ip_captures')
    with op.batch_alter_table('country_attributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_country_attributions_case_id'))

    op.drop_table('country_attributions')
    with op.batch_alter_table('reported_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reported_files_case_id'))
        batch_op.drop_index('ix_reported_files_algorithm_value')

    op.drop_table('reported_files')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_status'))
        batch_op.drop_index(batch_op.f('ix_referrals_country'))
        batch_op.drop_index(batch_op.f('ix_referrals_case_id'))

    op.drop_table('referrals')
    with op.batch_alter_table('inbound_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_reports_case_id'))

    op.drop_table('inbound_reports')
    with op.batch_alter_table('arrival_hits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arrival_hits_case_id'))

    op.drop_table('arrival_hits')
