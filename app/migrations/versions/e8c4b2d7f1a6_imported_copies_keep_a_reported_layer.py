"""imported copies keep the review their package reported apart; trusted installations

Revision ID: e8c4b2d7f1a6
Revises: d6f1a3c9e2b8
Create Date: 2026-12-08 09:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e8c4b2d7f1a6'
down_revision = 'd6f1a3c9e2b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('trusted_installations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('installation_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('public_key', sa.String(length=44), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_trusted_installations_added_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trusted_installations')),
    sa.UniqueConstraint('installation_id', name=op.f('uq_trusted_installations_installation_id')),
    sa.UniqueConstraint('public_key', name=op.f('uq_trusted_installations_public_key'))
    )
    op.create_table('reported_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('not_applicable', sa.Boolean(), nullable=False),
    sa.Column('not_evidenced', sa.Boolean(), nullable=False),
    sa.Column('stance', sa.String(length=10), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('finding', sa.String(length=16), nullable=True),
    sa.Column('agreed_value', sa.Integer(), nullable=True),
    sa.Column('agreed_not_applicable', sa.Boolean(), nullable=False),
    sa.Column('agreed_not_evidenced', sa.Boolean(), nullable=False),
    sa.Column('reviewed_by', sa.String(length=200), nullable=False),
    sa.Column('reviewed_at', sa.String(length=40), nullable=True),
    sa.Column('agreed_by', sa.String(length=200), nullable=False),
    sa.Column('agreed_at', sa.String(length=40), nullable=True),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('dissent', sa.Text(), nullable=False),
    sa.CheckConstraint('value IS NULL OR value >= 0', name=op.f('ck_reported_reviews_value')),
    sa.CheckConstraint('agreed_value IS NULL OR agreed_value >= 0', name=op.f('ck_reported_reviews_agreed_value')),
    sa.CheckConstraint("stance IS NULL OR stance IN ('agree', 'disagree', 'query')", name=op.f('ck_reported_reviews_stance')),
    sa.CheckConstraint("finding IS NULL OR finding IN ('major_nc', 'minor_nc', 'observation', 'good_practice')", name=op.f('ck_reported_reviews_finding')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_reported_reviews_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reported_reviews')),
    sa.UniqueConstraint('response_id', name=op.f('uq_reported_reviews_response_id'))
    )


def downgrade():
    op.drop_table('reported_reviews')
    op.drop_table('trusted_installations')
