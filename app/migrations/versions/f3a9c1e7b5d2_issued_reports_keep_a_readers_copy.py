"""issued reports keep a reader's copy (only what the report prints attached)

Revision ID: f3a9c1e7b5d2
Revises: e8c4b2d7f1a6
Create Date: 2026-12-07 05:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f3a9c1e7b5d2'
down_revision = 'e8c4b2d7f1a6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('issued_reports') as batch:
        batch.add_column(sa.Column('reader_filename', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('reader_sha256', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('reader_size', sa.Integer(), nullable=True))
        batch.create_unique_constraint('uq_issued_reports_reader_filename', ['reader_filename'])


def downgrade():
    with op.batch_alter_table('issued_reports') as batch:
        batch.drop_constraint('uq_issued_reports_reader_filename', type_='unique')
        batch.drop_column('reader_size')
        batch.drop_column('reader_sha256')
        batch.drop_column('reader_filename')
