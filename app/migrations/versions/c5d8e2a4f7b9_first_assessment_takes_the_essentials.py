"""first assessment takes the essentials: an assessment's focus, full or essentials only

A unit's first consultation may take the essential requirements only; the others are out of
scope until a unit head widens the draft to the full checklist. Existing assessments are full.

Revision ID: c5d8e2a4f7b9
Revises: c8e2f6a4d1b9
Create Date: 2026-12-07 07:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c5d8e2a4f7b9'
down_revision = 'c8e2f6a4d1b9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessments') as batch:
        batch.add_column(sa.Column('focus', sa.String(length=12), nullable=False, server_default='full'))
        batch.create_check_constraint('focus', "focus IN ('full', 'essentials')")


def downgrade():
    with op.batch_alter_table('assessments') as batch:
        batch.drop_constraint('ck_assessments_focus', type_='check')
        batch.drop_column('focus')
