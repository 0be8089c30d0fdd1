"""assessments keep their scores

Revision ID: c91f0a7d2b55
Revises: b7d2e41c9a10
Create Date: 2026-11-30 03:10:00

Existing assessments get their scores the first time a list shows them (scored_at is NULL).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c91f0a7d2b55'
down_revision = 'b7d2e41c9a10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('coverage', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('completeness', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('answered', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('requirement_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('major_gaps', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('scored_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        for column in ('scored_at', 'major_gaps', 'requirement_count', 'answered', 'completeness', 'coverage', 'score'):
            batch_op.drop_column(column)
