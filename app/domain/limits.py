"""Input limits: one set, the same on SQLite and PostgreSQL, checked at every boundary.

SQLite stores a string of any length in a VARCHAR(32) column and a NUL byte in any text;
PostgreSQL refuses both. So what may be stored is decided here, before any database sees
it: forms, imports and the command line all check against these limits.
"""

from __future__ import annotations

import datetime as dt
import re

#: Unit codes: upper-case letters, digits, "-" and "_", starting with a letter or digit.
UNIT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
UNIT_CODE_HELP = "1 to 32 characters: letters, digits, '-' and '_', starting with a letter or digit"

#: Control characters no text may hold (tab, line feed and carriage return are allowed).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: Dates people enter: an SOP issue date, a due date, a consultation date.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)

#: Largest integer a database id or counter column holds on every engine we support.
MAX_INT = 2**31 - 1

#: Lengths of the stored text, by what it is (the columns are sized to match).
LENGTH = {
    "unit_code": 32,
    "unit_name": 200,
    "jurisdiction": 120,
    "sop_code": 40,
    "sop_title": 300,
    "sop_version": 40,
    "sop_notes": 2000,
    "title": 300,
    "assessors": 500,
    "name": 200,
    "section": 120,
    "place": 200,
    "note": 8000,
    "justification": 4000,
    "minutes": 50000,
    "requirement": 64,
    "checklist_id": 64,
    "checklist_version": 32,
    "module": 64,
}


class LimitError(ValueError):
    """A value outside the limits; the message says which and how to fix it."""


def control_character(text: str) -> str | None:
    """The first forbidden control character in ``text`` as U+XXXX, or None."""
    found = CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def check_text(value: str, what: str, kind: str) -> str:
    """``value`` if it fits ``LENGTH[kind]`` and holds no control character; else LimitError."""
    bad = control_character(value)
    if bad:
        raise LimitError(f"{what} contains a control character ({bad}); remove it")
    limit = LENGTH[kind]
    if len(value) > limit:
        raise LimitError(f"{what} is {len(value):,} characters long; at most {limit:,} are allowed")
    return value


def unit_code(raw: str) -> str:
    """A unit code as stored (trimmed, upper-case), or LimitError saying what a code may be."""
    code = (raw or "").strip().upper()
    if not UNIT_CODE.match(code):
        raise LimitError(f"{raw!r} is not a unit code: {UNIT_CODE_HELP}")
    return code


def check_date(value: dt.date, what: str) -> dt.date:
    """``value`` if it lies between 1900 and 2100; else LimitError."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise LimitError(f"{what} {value.isoformat()} is outside {EARLIEST_DATE.year} to {LATEST_DATE.year}")
    return value
