"""saves never bump the assessment: kept scores carry a generation instead

A save of one card marks the kept figures stale (scored_at NULL) and raises
scores_generation in one UPDATE without touching the assessment's version; figures
recomputed later are written back only for the generation they were computed from.

Revision ID: a7d3f9c2e5b1
Revises: f3a9c1e7b5d2
Create Date: 2026-12-09 05:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7d3f9c2e5b1'
down_revision = 'f3a9c1e7b5d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessments') as batch:
        batch.add_column(sa.Column('scores_generation', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('assessments') as batch:
        batch.drop_column('scores_generation')
