"""citations keep the quoted passage: the sentences of an SOP section a response cites

A citation made from an evidence suggestion keeps the document, the section and the quoted
sentences as they read when cited; a citation typed by hand has no quote.

Revision ID: d7f3b9e1a5c2
Revises: c5d8e2a4f7b9
Create Date: 2026-12-07 07:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd7f3b9e1a5c2'
down_revision = 'c5d8e2a4f7b9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('citations') as batch:
        batch.add_column(sa.Column('quote', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('citations') as batch:
        batch.drop_column('quote')
