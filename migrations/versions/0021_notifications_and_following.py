"""notifications for everything: kinds, targets and collapsing on notices; follows, email settings per kind,
events waiting for their followers, and the digests sent

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 19:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=40), nullable=False, server_default='notice'))
        batch_op.add_column(sa.Column('subject', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('community_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('target_type', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('target_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('collapse_key', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('actor_ids', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('event_count', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key('fk_notifications_community_id_communities', 'communities', ['community_id'],
                                    ['id'], ondelete='CASCADE')
        batch_op.create_index('ix_notifications_unread', ['user_id', 'read_at'], unique=False)
        batch_op.create_index('ix_notifications_collapse', ['user_id', 'collapse_key'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auto_follow', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute("UPDATE notifications SET updated_at = created_at")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(timezone=True), nullable=False)

    op.create_table(
        'follows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('target_type', sa.String(length=20), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=12), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'target_type', 'target_id'),
    )
    op.create_index('ix_follows_target', 'follows', ['target_type', 'target_id'], unique=False)
    op.create_table(
        'notification_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('channel', sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'kind'),
    )
    op.create_table(
        'notification_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('message', sa.String(length=500), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('url', sa.String(length=300), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('community_id', sa.Integer(), nullable=True),
        sa.Column('target_type', sa.String(length=20), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=True),
        sa.Column('collapse_key', sa.String(length=120), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['community_id'], ['communities.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_notification_events_due', 'notification_events', ['claimed_until'], unique=False)
    op.create_table(
        'digest_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('period_start', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'period', 'period_start'),
    )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('auto_follow')
    op.drop_table('digest_runs')
    op.drop_index('ix_notification_events_due', table_name='notification_events')
    op.drop_table('notification_events')
    op.drop_table('notification_settings')
    op.drop_index('ix_follows_target', table_name='follows')
    op.drop_table('follows')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_collapse')
        batch_op.drop_index('ix_notifications_unread')
        batch_op.drop_constraint('fk_notifications_community_id_communities', type_='foreignkey')
        for column in ('updated_at', 'event_count', 'actor_ids', 'collapse_key', 'target_id', 'target_type',
                       'community_id', 'subject', 'kind'):
            batch_op.drop_column(column)
