"""upgrades: one upgraded draft per earlier assessment and version

Revision ID: e3a1c7d9b2f4
Revises: ad9def9b9cc0
Create Date: 2026-11-30 06:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e3a1c7d9b2f4'
down_revision = 'ad9def9b9cc0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('uq_assessments_upgrade', 'assessments', ['predecessor_id', 'checklist_version_id'], unique=True)


def downgrade():
    op.drop_index('uq_assessments_upgrade', table_name='assessments')
