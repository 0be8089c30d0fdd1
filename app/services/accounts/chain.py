"""The audit trail as a hash chain: written event by event, checked end to end.

Every new event takes the next place in the chain and the hash of the event before it, and
its own hash covers its content and that link. Changing an event breaks its own hash;
removing or inserting one breaks the link of the next; removing the last ones leaves the
chain shorter than its head says. Only a person who can rewrite every later event *and*
the head could hide a change: issued reports print the head they were issued at, so a
rewritten chain no longer matches what was printed.

The head is one row that each new event updates in the writer's own transaction: writers
of events take their turn there (a row lock on PostgreSQL, the write lock on SQLite), so
two transactions can never take the same place.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event as orm_event
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import AuditHead, Event, IssuedReport
from app.models.audit import GENESIS
from app.models.base import utcnow

#: The order events were recorded in, so one flush chains them as they happened.
_recorded = itertools.count()


def mark_recorded(event: Event) -> None:
    """Remember when ``event`` was recorded relative to others of the same flush."""
    event._chain_order = next(_recorded)  # a plain attribute: never stored


def digest(event: Event) -> str:
    """The SHA-256 of the event's content, its place and the previous event's hash."""
    content = {
        "seq": event.seq,
        "prev": event.prev_hash,
        "at": event.at.isoformat(timespec="microseconds"),
        "name": event.name,
        "user_id": event.user_id,
        "user_email": event.user_email,
        "address": event.address,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "unit_id": event.unit_id,
        "assessment_id": event.assessment_id,
        "summary": event.summary or "",
        "before": event.before,
        "after": event.after,
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@orm_event.listens_for(Session, "before_flush")
def _link_new_events(session: Session, _context, _instances) -> None:
    pending = sorted(
        (o for o in session.new if isinstance(o, Event) and o.hash is None),
        key=lambda e: getattr(e, "_chain_order", 0),
    )
    head = AuditHead.__table__
    for new in pending:
        # Taking the next place updates the head first: that write makes other writers wait
        # until this transaction ends, and what it returns is the head as last committed.
        taken = update(head).where(head.c.id == 1).values(seq=head.c.seq + 1).returning(head.c.seq, head.c.hash)
        seq, previous = session.execute(taken).one()
        new.at = new.at or utcnow()
        new.seq, new.prev_hash = seq, previous
        new.hash = digest(new)
        session.execute(update(head).where(head.c.id == 1).values(hash=new.hash))


def chain_head() -> tuple[int, str]:
    """The place and hash of the last event of the chain (0 and the genesis hash when empty)."""
    head = db.session.get(AuditHead, 1)
    return (head.seq, head.hash) if head is not None else (0, GENESIS)


@dataclass(frozen=True)
class ChainCheck:
    """What checking the chain found: how many events, the head, and the first broken link."""

    events: int
    head_seq: int
    head_hash: str
    broken: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None


@contextmanager
def _in_order() -> Iterator[Iterator[Event]]:
    """Every event in chain order, a thousand at a time; the cursor is closed however the walk ends."""
    result = db.session.scalars(select(Event).order_by(Event.seq).execution_options(yield_per=1000))
    try:
        yield iter(result)
    finally:
        result.close()


def _describe(event: Event) -> str:
    return f"event {event.seq} (id {event.id}, {event.name}, {event.at:%Y-%m-%dT%H:%M:%SZ})"


def verify_chain() -> ChainCheck:
    """Walk the chain from the first event to the head; name the first link that does not hold."""
    head = db.session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    expected, previous, count = 1, GENESIS, 0

    def check(broken: str) -> ChainCheck:
        return ChainCheck(count, head_seq, head_hash, broken)

    with _in_order() as events:
        for event in events:
            if event.seq > expected:
                missing = f"{expected}" if event.seq == expected + 1 else f"{expected} to {event.seq - 1}"
                return check(f"events {missing} are missing: removed before {_describe(event)}")
            if event.prev_hash != previous:
                return check(f"{_describe(event)} does not follow the event before it: one was removed or inserted")
            if digest(event) != event.hash:
                return check(f"{_describe(event)} was changed after it was written")
            count += 1
            expected, previous = event.seq + 1, event.hash
    if head is None:
        return check("the chain has no head: the audit_head row was removed")
    if count < head_seq:
        return check(f"the chain ends at event {count} but its head says {head_seq}: the last events were removed")
    if count > head_seq:
        return check(f"events after {head_seq} were added outside the application: the head says {head_seq}")
    if previous != head_hash:
        return check(f"the head's hash is not the hash of event {count}: the head or the last event was changed")
    for anchor in _anchors():
        if anchor.chain_hash != db.session.scalar(select(Event.hash).where(Event.seq == anchor.chain_seq)):
            return check(
                f"event {anchor.chain_seq} is not the one issued report {anchor.filename} printed "
                f"({anchor.chain_hash[:16]}): the chain was rewritten after the report was issued"
            )
    return ChainCheck(count, head_seq, head_hash)


def _anchors() -> Iterator[IssuedReport]:
    """Issued reports that printed the chain's head when they were issued."""
    yield from db.session.scalars(select(IssuedReport).where(IssuedReport.chain_seq > 0).order_by(IssuedReport.id))
