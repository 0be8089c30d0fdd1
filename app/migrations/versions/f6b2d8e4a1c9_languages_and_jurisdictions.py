"""languages and jurisdictions: a person's language, a unit's jurisdiction profile, an issued report's language, translation reviews

Revision ID: f6b2d8e4a1c9
Revises: e4a7c2f9b1d3
Create Date: 2026-12-07 10:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f6b2d8e4a1c9'
down_revision = 'e4a7c2f9b1d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('language', sa.String(length=10), nullable=True))
    with op.batch_alter_table('units') as batch:
        batch.add_column(sa.Column('jurisdiction_code', sa.String(length=16), nullable=True))
    with op.batch_alter_table('issued_reports') as batch:
        batch.add_column(sa.Column('language', sa.String(length=10), nullable=False, server_default='en'))
    op.create_table(
        'translation_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=10), nullable=False),
        sa.Column('catalogue', sa.String(length=100), nullable=False),
        sa.Column('outcome', sa.String(length=32), nullable=False),
        sa.Column('reviewer', sa.String(length=200), nullable=False),
        sa.Column('reviewer_role', sa.String(length=200), nullable=False),
        sa.Column('reviewed_on', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("outcome IN ('reviewed', 'reviewed_with_changes_needed')", name=op.f('ck_translation_reviews_outcome')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_translation_reviews_recorded_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_translation_reviews')),
    )
    op.create_index(op.f('ix_translation_reviews_language'), 'translation_reviews', ['language'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_translation_reviews_language'), table_name='translation_reviews')
    op.drop_table('translation_reviews')
    with op.batch_alter_table('issued_reports') as batch:
        batch.drop_column('language')
    with op.batch_alter_table('units') as batch:
        batch.drop_column('jurisdiction_code')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('language')
