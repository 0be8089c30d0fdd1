"""imported copies record their origin

Revision ID: b7d2e41c9a10
Revises: fe9e4c9f41e0
Create Date: 2026-11-30 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e41c9a10'
down_revision = 'fe9e4c9f41e0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_column('origin')
