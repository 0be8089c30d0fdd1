"""failed sign-ins counted in the database, where every worker sees them

Revision ID: c2d8e5f3a1b7
Revises: b9e4f2a6c8d1
Create Date: 2026-12-07 06:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c2d8e5f3a1b7'
down_revision = 'b9e4f2a6c8d1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('account', sa.String(length=260), nullable=False),
        sa.Column('source', sa.String(length=80), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failures')),
    )
    op.create_index('ix_sign_in_failures_account_at', 'sign_in_failures', ['account', 'at'])
    op.create_index('ix_sign_in_failures_address_at', 'sign_in_failures', ['address', 'at'])
    op.create_index(op.f('ix_sign_in_failures_at'), 'sign_in_failures', ['at'])


def downgrade():
    op.drop_table('sign_in_failures')
