"""programmes and rounds: units assessed together round after round, and programme staff

A programme groups units, its staff and the experts assigned to it, and its rounds; an
assessment may belong to a round. An action carried into a later assessment remembers the
action it came from (so a follow-up can say which were dropped).

Revision ID: e4a7c2f9b1d3
Revises: d7f3b9e1a5c2
Create Date: 2026-12-07 10:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e4a7c2f9b1d3'
down_revision = 'd7f3b9e1a5c2'
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('admin', 'expert', 'unit_head', 'assessor', 'viewer')"
ROLES_AFTER = "role IN ('admin', 'expert', 'programme_staff', 'unit_head', 'assessor', 'viewer')"


def upgrade():
    op.create_table(
        'programmes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
        sa.UniqueConstraint('name', name=op.f('uq_programmes_name')),
    )
    op.create_table(
        'programme_units',
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_units_programme_id_programmes'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_programme_units_unit_id_units'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('programme_id', 'unit_id', name=op.f('pk_programme_units')),
    )
    op.create_table(
        'programme_members',
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_members_programme_id_programmes'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_programme_members_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('programme_id', 'user_id', name=op.f('pk_programme_members')),
    )
    op.create_table(
        'rounds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_rounds_programme_id_programmes'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rounds')),
        sa.UniqueConstraint('programme_id', 'label', name='uq_rounds_programme_label'),
    )
    op.create_index(op.f('ix_rounds_programme_id'), 'rounds', ['programme_id'], unique=False)
    with op.batch_alter_table('assessments') as batch:
        batch.add_column(sa.Column('round_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_assessments_round_id'), ['round_id'], unique=False)
        batch.create_foreign_key(batch.f('fk_assessments_round_id_rounds'), 'rounds', ['round_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('actions') as batch:
        batch.add_column(sa.Column('carried_from_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_actions_carried_from_id_actions'), 'actions', ['carried_from_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint(op.f('ck_users_role'), type_='check')
        batch.create_check_constraint('role', ROLES_AFTER)


def downgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint(op.f('ck_users_role'), type_='check')
        batch.create_check_constraint('role', ROLES_BEFORE)
    with op.batch_alter_table('actions') as batch:
        batch.drop_constraint(batch.f('fk_actions_carried_from_id_actions'), type_='foreignkey')
        batch.drop_column('carried_from_id')
    with op.batch_alter_table('assessments') as batch:
        batch.drop_constraint(batch.f('fk_assessments_round_id_rounds'), type_='foreignkey')
        batch.drop_index(batch.f('ix_assessments_round_id'))
        batch.drop_column('round_id')
    op.drop_index(op.f('ix_rounds_programme_id'), table_name='rounds')
    op.drop_table('rounds')
    op.drop_table('programme_members')
    op.drop_table('programme_units')
    op.drop_table('programmes')
