"""assessments have a version

Revision ID: d4a8c3e1f0b2
Revises: c91f0a7d2b55
Create Date: 2026-11-30 03:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4a8c3e1f0b2'
down_revision = 'c91f0a7d2b55'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_column('version')
