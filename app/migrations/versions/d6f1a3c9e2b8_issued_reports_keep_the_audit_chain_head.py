"""issued reports keep the audit trail's chain head at issue

Revision ID: d6f1a3c9e2b8
Revises: c2d8e5f3a1b7
Create Date: 2026-12-07 07:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd6f1a3c9e2b8'
down_revision = 'c2d8e5f3a1b7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('issued_reports') as batch:
        batch.add_column(sa.Column('chain_seq', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('chain_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('issued_reports') as batch:
        batch.drop_column('chain_hash')
        batch.drop_column('chain_seq')
