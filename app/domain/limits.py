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

#: The one character rule: what no text may hold, wherever it comes from (a form, a script's
#: JSON, an address, a package, the command line). C0 controls but tab, line feed and carriage
#: return (PostgreSQL cannot store NUL; the rest drive terminals); DEL and the C1 controls
#: (U+0080-U+009F: terminals obey some, such as CSI); the bidirectional embeddings, overrides
#: and isolates (they make a code or a name read differently from what is stored); and lone
#: surrogates (not text at all: no UTF-8 encoder writes them, so the page or database fails).
FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
CONTROL = re.compile(f"[{FORBIDDEN}]")
#: What a terminal must never receive raw: the rule above plus tab, line feed and carriage return.
TERMINAL_UNSAFE = re.compile(f"[\t\n\r{FORBIDDEN}]")

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
    "programme_name": 200,
    "round_label": 40,
    "sop_code": 40,
    "sop_title": 300,
    "sop_version": 40,
    "sop_notes": 2000,
    "title": 300,
    "assessors": 500,
    "name": 200,
    "section": 120,
    "quote": 2000,  # the sentences a citation quotes (app.services.assessment.citing.MAX_QUOTE)
    "place": 200,
    "note": 8000,
    "justification": 4000,
    "minutes": 50000,
    "requirement": 64,
    "checklist_id": 64,
    "checklist_version": 32,
    "module": 64,
}


#: SOP documents imported into a register (app.services.content.sop_documents): the file's
#: size (a web upload is bounded first by MAX_CONTENT_LENGTH), its pages, the characters of
#: text taken from it, what a DOCX or ODT may unpack to (a small zip can hold gigabytes), and
#: the seconds one document's extraction may take before it is stopped.
SOP_MAX_BYTES = 20 * 1024 * 1024
SOP_MAX_PAGES = 500
SOP_MAX_CHARACTERS = 2_000_000
SOP_MAX_UNPACKED = 200 * 1024 * 1024
SOP_SECONDS = 30


class LimitError(ValueError):
    """A value outside the limits; the message says which and how to fix it."""


def control_character(text: str) -> str | None:
    """The first forbidden control character in ``text`` as U+XXXX, or None."""
    found = CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def forbidden_in(data) -> tuple[tuple, str] | None:
    """The first string in ``data`` (nested dicts and lists, keys too) holding a forbidden character.

    Returns the path to it (keys and list positions; a bad key ends the path) and the
    character as U+XXXX, or None. Walks without recursion: the depth is the caller's to bound.
    """
    stack: list[tuple[object, tuple]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            bad = control_character(value)
            if bad:
                return path, bad
        elif isinstance(value, dict):
            for key, item in value.items():
                bad = control_character(key) if isinstance(key, str) else None
                if bad:
                    return (*path, key), bad
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(value))
    return None


def path_text(path: tuple) -> str:
    """A path into nested data as people read it: ``responses/3/evidence_note``, escapes shown."""
    return "/".join(escape_controls(str(step)) for step in path)


def escape_controls(text: str, *, keep: str = "") -> str:
    """``text`` with every control character written as an escape (\\x1b, \\u202e, \\t), for terminals.

    Characters in ``keep`` (a line's own tabs and line feeds) pass unchanged.
    """

    def escaped(found: re.Match) -> str:
        char = found.group()
        if char in keep:
            return char
        if char in "\t\n\r":
            return {"\t": "\\t", "\n": "\\n", "\r": "\\r"}[char]
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return TERMINAL_UNSAFE.sub(escaped, text)


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
