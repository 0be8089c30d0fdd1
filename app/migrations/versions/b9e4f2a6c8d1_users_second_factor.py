"""users: a second factor (authenticator secret, last step taken, recovery codes)

Revision ID: b9e4f2a6c8d1
Revises: a7c3e9f1d5b2
Create Date: 2026-12-07 05:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b9e4f2a6c8d1'
down_revision = 'a7c3e9f1d5b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('totp_confirmed_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('recovery_codes', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_column('recovery_codes')
        batch.drop_column('totp_last_step')
        batch.drop_column('totp_confirmed_at')
        batch.drop_column('totp_secret')
