"""dashboard sorts by an index: assessments indexed by the time they last changed, then id

The dashboard lists the assessments a person may view newest first
(ORDER BY updated_at DESC, id DESC, a page at a time); with this index a page is read
in the index's order instead of sorting every assessment of the region.

Revision ID: b9d5b2daf46b
Revises: f6b2d8e4a1c9
Create Date: 2026-12-10 09:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b9d5b2daf46b'
down_revision = 'f6b2d8e4a1c9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_assessments_updated_at_id', 'assessments', ['updated_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_assessments_updated_at_id', table_name='assessments')
