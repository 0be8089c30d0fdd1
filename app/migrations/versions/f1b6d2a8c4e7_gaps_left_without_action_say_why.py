"""gaps left without an action say why

Revision ID: f1b6d2a8c4e7
Revises: e3a1c7d9b2f4
Create Date: 2026-12-07 02:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f1b6d2a8c4e7'
down_revision = 'e3a1c7d9b2f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses') as batch:
        batch.add_column(sa.Column('no_action_reason', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('responses') as batch:
        batch.drop_column('no_action_reason')
