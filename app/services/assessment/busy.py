"""A busy database is the server's problem, not the person's: a save is redone a few times.

SQLite answers "database is locked" when a writer waited its whole busy timeout (or its
snapshot went stale); PostgreSQL cancels a transaction in a deadlock, a serialisation
failure or a lock or statement timeout. Each means "nothing was written, the same work a
moment later will do". :func:`committed` rolls back, reads again and redoes the work with a
short jittered pause; only when every attempt was busy does the error reach the caller
(the web answers it as a "busy" refusal). A conflict with what someone else saved is not
busy and is never retried away.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from app.extensions import db

#: PostgreSQL states that mean "busy, try again": lock not available, statement or lock
#: timeout (query cancelled), deadlock, serialisation failure.
BUSY_SQLSTATES = frozenset({"55P03", "57014", "40P01", "40001"})

#: How often work is tried in all, and the first pause between attempts (seconds; it doubles,
#: with jitter, so that people who collided do not collide again).
ATTEMPTS = 4
FIRST_PAUSE = 0.02

T = TypeVar("T")


def is_busy(error: DBAPIError) -> bool:
    """True when the database was only busy (locked, timed out, deadlocked): trying again helps."""
    original = error.orig
    if getattr(original, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    text = str(original).lower()
    return "database is locked" in text or "database table is locked" in text


def committed(work: Callable[[], T], *, reload: Callable[[], None], attempts: int = ATTEMPTS) -> T:
    """Do ``work`` and commit it; when the database is busy, roll back, ``reload`` and redo it.

    ``work`` flushes its changes and may raise anything else (a conflict, a refusal), which
    passes through untouched. After the last busy attempt the database's error is raised.
    """
    for attempt in range(attempts):
        try:
            result = work()
            db.session.commit()
            return result
        except DBAPIError as exc:
            if not is_busy(exc) or attempt == attempts - 1:
                raise
            db.session.rollback()
            time.sleep(FIRST_PAUSE * 2**attempt * random.uniform(0.5, 1.5))
            reload()
    raise AssertionError("unreachable")
