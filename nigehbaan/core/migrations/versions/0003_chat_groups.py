"""chats: groups, members, records, network, triage

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-29 05:15:34.987725
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = ('chats',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('chat_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('chat_type', sa.String(length=40), nullable=False),
    sa.Column('chat_ref', sa.String(length=80), nullable=False),
    sa.Column('source_name', sa.String(length=300), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.Column('time_basis', sa.String(length=8), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('imported_by', sa.String(length=120), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_chat_groups_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_groups')),
    sa.UniqueConstraint('case_id', 'source_sha256', name='uq_chat_groups_case_source')
    )
    with op.batch_alter_table('chat_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_groups_case_id'), ['case_id'], unique=False)

    op.create_table('chat_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('display_name', sa.String(length=300), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('phone_e164', sa.String(length=20), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('telegram_id', sa.String(length=40), nullable=True),
    sa.Column('is_owner', sa.Boolean(), nullable=False),
    sa.Column('mention_only', sa.Boolean(), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.Column('media', sa.Integer(), nullable=False),
    sa.Column('added_count', sa.Integer(), nullable=False),
    sa.Column('known_matches', sa.Integer(), nullable=False),
    sa.Column('pagerank', sa.Float(), nullable=False),
    sa.Column('betweenness', sa.Float(), nullable=False),
    sa.Column('core', sa.Integer(), nullable=False),
    sa.Column('removal_effect', sa.Integer(), nullable=False),
    sa.Column('triage', sa.String(length=24), nullable=False),
    sa.Column('triage_rule', sa.Text(), nullable=False),
    sa.Column('triage_score', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['chat_groups.id'], name=op.f('fk_chat_members_group_id_chat_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_members')),
    sa.UniqueConstraint('group_id', 'key', name='uq_chat_members_group_key')
    )
    with op.batch_alter_table('chat_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_members_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chat_members_triage'), ['triage'], unique=False)

    op.create_table('chat_edges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['chat_groups.id'], name=op.f('fk_chat_edges_group_id_chat_groups')),
    sa.ForeignKeyConstraint(['source_id'], ['chat_members.id'], name=op.f('fk_chat_edges_source_id_chat_members')),
    sa.ForeignKeyConstraint(['target_id'], ['chat_members.id'], name=op.f('fk_chat_edges_target_id_chat_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_edges'))
    )
    with op.batch_alter_table('chat_edges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_edges_group_id'), ['group_id'], unique=False)

    op.create_table('chat_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('message_ref', sa.String(length=40), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=True),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['chat_groups.id'], name=op.f('fk_chat_events_group_id_chat_groups')),
    sa.ForeignKeyConstraint(['member_id'], ['chat_members.id'], name=op.f('fk_chat_events_member_id_chat_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_events')),
    sa.UniqueConstraint('group_id', 'position', name='uq_chat_events_group_position')
    )
    op.create_table('chat_indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['chat_members.id'], name=op.f('fk_chat_indicators_member_id_chat_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_indicators'))
    )
    with op.batch_alter_table('chat_indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_indicators_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_chat_indicators_member_id'), ['member_id'], unique=False)

    op.create_table('chat_media',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=True),
    sa.Column('attached', sa.Boolean(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('evidence_sha256', sa.String(length=64), nullable=True),
    sa.Column('not_hashable', sa.String(length=200), nullable=True),
    sa.Column('forwarded', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['chat_groups.id'], name=op.f('fk_chat_media_group_id_chat_groups')),
    sa.ForeignKeyConstraint(['member_id'], ['chat_members.id'], name=op.f('fk_chat_media_member_id_chat_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_media'))
    )
    with op.batch_alter_table('chat_media', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_media_group_id'), ['group_id'], unique=False)

    op.create_table('chat_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('message_ref', sa.String(length=40), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('reply_to', sa.String(length=40), nullable=True),
    sa.Column('forwarded_from', sa.String(length=300), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('edited', sa.Boolean(), nullable=False),
    sa.Column('has_media', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['chat_groups.id'], name=op.f('fk_chat_messages_group_id_chat_groups')),
    sa.ForeignKeyConstraint(['member_id'], ['chat_members.id'], name=op.f('fk_chat_messages_member_id_chat_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_messages')),
    sa.UniqueConstraint('group_id', 'position', name='uq_chat_messages_group_position')
    )
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.create_index('ix_chat_messages_group_member', ['group_id', 'member_id'], unique=False)

    op.create_table('chat_triage_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('advice', sa.String(length=24), nullable=False),
    sa.Column('advice_rule', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=120), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['chat_members.id'], name=op.f('fk_chat_triage_decisions_member_id_chat_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_triage_decisions'))
    )
    with op.batch_alter_table('chat_triage_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_triage_decisions_member_id'), ['member_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('chat_triage_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_triage_decisions_member_id'))

    op.drop_table('chat_triage_decisions')
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_messages_group_member')

    op.drop_table('chat_messages')
    with op.batch_alter_table('chat_media', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_media_group_id'))

    op.drop_table('chat_media')
    with op.batch_alter_table('chat_indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_indicators_member_id'))
        batch_op.drop_index(batch_op.f('ix_chat_indicators_code'))

    op.drop_table('chat_indicators')
    op.drop_table('chat_events')
    with op.batch_alter_table('chat_edges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_edges_group_id'))

    op.drop_table('chat_edges')
    with op.batch_alter_table('chat_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_members_triage'))
        batch_op.drop_index(batch_op.f('ix_chat_members_group_id'))

    op.drop_table('chat_members')
    with op.batch_alter_table('chat_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_groups_case_id'))

    op.drop_table('chat_groups')
