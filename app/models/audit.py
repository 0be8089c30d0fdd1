"""The audit trail: who did what, when, from where, to which object, with the values before and after.

Events form a chain: each holds its place (``seq``), the hash of the event before it and its
own hash over its content and that link, so a changed, removed or inserted event breaks the
chain where it happened (:mod:`app.services.accounts.chain` writes and checks it). The head
of the chain (the last place and hash) is kept in a one-row table that every new event
updates, which also makes writers take their turn.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DDL, JSON, CheckConstraint, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.organisation import User


class Event(db.Model):
    """One recorded event. Append-only: the app never changes or deletes one."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_name_at", "name", "at"),
        Index("ix_events_object", "object_type", "object_id"),
        Index("uq_events_seq", "seq", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    name: Mapped[str] = mapped_column(String(64))  # auth.login, response.changed, report.issued, ...
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: Kept as written, so the trail still says who it was if the account is renamed.
    user_email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    unit_id: Mapped[int | None] = mapped_column(index=True)
    assessment_id: Mapped[int | None] = mapped_column(index=True)
    summary: Mapped[str] = mapped_column(String(500), default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    #: Place in the chain (1, 2, 3, ... without gaps), the previous event's hash and this one's.
    seq: Mapped[int]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    user: Mapped[User | None] = relationship()


#: The hash a chain starts from: the "previous hash" of the first event.
GENESIS = "0" * 64


class AuditHead(db.Model):
    """The head of the event chain: how many events there are and the last one's hash (one row)."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


event.listen(
    AuditHead.__table__, "after_create", DDL(f"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{GENESIS}')")
)


@event.listens_for(Event, "before_update")
@event.listens_for(Event, "before_delete")
def _append_only(_mapper, _connection, target: Event) -> None:
    raise RuntimeError(f"audit events are append-only; event {target.id} was not changed")


#: The database refuses too, whoever connects: triggers that abort any UPDATE or DELETE of an
#: event (the migration c5e1a7b9d3f4 adds the same to existing databases). A user with
#: events cannot be deleted either; accounts are disabled, never deleted. A SQLite batch
#: migration that rebuilds the events table drops these triggers: it must create them again.
APPEND_ONLY_TRIGGERS = {
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
for _dialect, _statements in APPEND_ONLY_TRIGGERS.items():
    for _statement in _statements:
        event.listen(Event.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))
