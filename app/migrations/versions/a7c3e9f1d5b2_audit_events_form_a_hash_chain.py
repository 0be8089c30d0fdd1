"""audit events form a hash chain with a head

Revision ID: a7c3e9f1d5b2
Revises: a7c2e5f9d1b3
Create Date: 2026-12-07 04:00:00

"""
import hashlib
import json

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7c3e9f1d5b2'
down_revision = 'a7c2e5f9d1b3'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
FIELDS = (
    "seq", "name", "user_id", "user_email", "address", "object_type", "object_id", "unit_id", "assessment_id",
    "before", "after",
)

# Frozen here as they were written: a migration never changes with the models.
TRIGGERS = {
    "sqlite": (
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
        "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$",
        "CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events "
        "FOR EACH ROW EXECUTE FUNCTION events_append_only()",
        "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
        "FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()",
    ),
}
DROPS = {
    "sqlite": ("DROP TRIGGER IF EXISTS events_no_update", "DROP TRIGGER IF EXISTS events_no_delete"),
    "postgresql": (
        "DROP TRIGGER IF EXISTS events_no_change ON events",
        "DROP TRIGGER IF EXISTS events_no_truncate ON events",
    ),
}


def _digest(row: dict) -> str:
    """The event hash as app.services.accounts.chain.digest computed it when this was written."""
    content = {name: row[name] for name in FIELDS} | {
        "prev": row["prev_hash"],
        "at": row["at"].isoformat(timespec="microseconds"),
        "summary": row["summary"] or "",
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upgrade():
    bind = op.get_bind()
    for statement in DROPS.get(bind.dialect.name, ()):
        op.execute(statement)
    with op.batch_alter_table('events') as batch:
        batch.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    head = op.create_table(
        'audit_head',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_audit_head_one_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head')),
    )
    # The events written so far join the chain in the order they were written.
    events = sa.table(
        'events',
        *(sa.column(name) for name in (
            'id', 'name', 'user_id', 'user_email', 'address', 'object_type', 'object_id', 'unit_id',
            'assessment_id', 'summary', 'seq', 'prev_hash', 'hash',
        )),
        sa.column('at', sa.DateTime()),
        sa.column('before', sa.JSON()),
        sa.column('after', sa.JSON()),
    )
    previous, seq = GENESIS, 0
    for row in bind.execute(sa.select(events).order_by(events.c.id)).all():
        seq += 1
        digest = _digest(row._asdict() | {'seq': seq, 'prev_hash': previous})
        bind.execute(events.update().where(events.c.id == row.id).values(seq=seq, prev_hash=previous, hash=digest))
        previous = digest
    op.bulk_insert(head, [{'id': 1, 'seq': seq, 'hash': previous}])
    with op.batch_alter_table('events') as batch:
        batch.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch.create_index('uq_events_seq', ['seq'], unique=True)
    for statement in TRIGGERS.get(bind.dialect.name, ()):
        op.execute(statement)


def downgrade():
    bind = op.get_bind()
    for statement in DROPS.get(bind.dialect.name, ()):
        op.execute(statement)
    with op.batch_alter_table('events') as batch:
        batch.drop_index('uq_events_seq')
        batch.drop_column('hash')
        batch.drop_column('prev_hash')
        batch.drop_column('seq')
    op.drop_table('audit_head')
    for statement in TRIGGERS.get(bind.dialect.name, ()):
        op.execute(statement)
