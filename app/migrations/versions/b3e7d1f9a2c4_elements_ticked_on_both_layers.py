"""elements ticked on both layers: the unit's and the expert's ticks, and why another level

Each layer keeps the positions of the requirement's elements it found met (NULL: never
ticked) and the reason given for a level other than the one the ticks give; an imported
copy's reported review keeps the ticks its package carried.

Revision ID: b3e7d1f9a2c4
Revises: a7d3f9c2e5b1
Create Date: 2026-12-07 05:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b3e7d1f9a2c4'
down_revision = 'a7d3f9c2e5b1'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('responses', 'reviews', 'reported_reviews'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('ticks', sa.JSON(), nullable=True))
            batch.add_column(sa.Column('level_reason', sa.Text(), nullable=False, server_default=''))


def downgrade():
    for table in ('responses', 'reviews', 'reported_reviews'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('level_reason')
            batch.drop_column('ticks')
