"""one-click unsubscribe: the outbox keeps each message's unsubscribe address for its List-Unsubscribe headers

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 19:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('email_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('list_unsubscribe', sa.String(length=500), nullable=True))
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_created_at', ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_created_at')
    with op.batch_alter_table('email_outbox', schema=None) as batch_op:
        batch_op.drop_column('list_unsubscribe')
