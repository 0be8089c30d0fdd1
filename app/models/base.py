"""Column helpers shared by the models."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """Now, in UTC, without tzinfo: stored the same way on SQLite and PostgreSQL."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def in_clause(column: str, values) -> str:
    """SQL for a CHECK constraint keeping ``column`` to ``values`` (an enum or strings)."""
    listed = ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)
    return f"{column} IN ({listed})"
