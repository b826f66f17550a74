"""invitations: invitations by email with a single-use link, stored hashed; open invitations of accounts get one

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 18:20:00.000000

"""
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    invitations = op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('declined_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_invitations_community_id_communities'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_invitations_invited_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_invitations_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_user_id'), ['user_id'], unique=False)
    _give_open_invitations_a_row(invitations)


def _give_open_invitations_a_row(invitations):
    """Invitations made before this revision (accounts only) expire 14 days from now, like new ones."""
    now = datetime.now(UTC)
    rows = op.get_bind().execute(sa.text(
        "SELECT m.community_id, m.user_id, m.role, m.message, m.invited_by_id, m.created_at, u.email "
        "FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.status = 'invited'")).all()
    op.bulk_insert(invitations, [
        {"community_id": row.community_id, "email": row.email, "user_id": row.user_id, "role": row.role,
         "message": row.message or "", "invited_by_id": row.invited_by_id,
         "token_hash": hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest(),
         "created_at": now, "last_sent_at": now,
         "expires_at": now + timedelta(days=14)} for row in rows])


def downgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_user_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_email'))
        batch_op.drop_index(batch_op.f('ix_invitations_community_id'))
    op.drop_table('invitations')
