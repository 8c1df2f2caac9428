"""referrals: chat group members attributed to a country by hand

Revision ID: 0006a
Revises: 0006
Create Date: 2026-11-29 09:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006a'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = '0003'


def upgrade() -> None:
    op.create_table('chat_member_attributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('set_by', sa.String(length=120), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_chat_member_attributions_case_id_cases')),
    sa.ForeignKeyConstraint(['member_id'], ['chat_members.id'], name=op.f('fk_chat_member_attributions_member_id_chat_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_member_attributions')),
    sa.UniqueConstraint('member_id', 'country', name='uq_chat_member_attributions_member_country')
    )
    with op.batch_alter_table('chat_member_attributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_member_attributions_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('chat_member_attributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_member_attributions_case_id'))

    op.drop_table('chat_member_attributions')
