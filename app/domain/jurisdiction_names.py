"""How reports print a jurisdiction: as the region's own publications name it.

The region's publications (SEESAC's, the Regional Cooperation Council's, the EU's) print
Kosovo with an asterisk and a footnote on its status. Every report that prints a
jurisdiction goes through :func:`printed_jurisdiction` and prints the notes
:func:`footnotes` returns for the jurisdictions it printed, so the wording lives here only.
"""

from __future__ import annotations

from collections.abc import Iterable


def N_(text: str) -> str:
    """Mark ``text`` for translation without translating it here."""
    return text


#: The designation footnote, by the jurisdiction (case-folded) that carries it.
_FOOTNOTES = {
    "kosovo": N_(
        "*This designation is without prejudice to positions on status, and is in line with "
        "UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of independence."
    ),
}


def _key(name: str) -> str:
    return name.strip().rstrip("*").strip().casefold()


def printed_jurisdiction(name: str | None) -> str:
    """``Kosovo`` -> ``Kosovo*``; any other jurisdiction as stored."""
    text = (name or "").strip()
    if _key(text) in _FOOTNOTES and not text.endswith("*"):
        return f"{text}*"
    return text


def footnotes(names: Iterable[str | None]) -> list[str]:
    """The footnotes (English, to be translated where printed) owed for printing ``names``, once each."""
    notes: list[str] = []
    for name in names:
        note = _FOOTNOTES.get(_key(name or ""))
        if note is not None and note not in notes:
            notes.append(note)
    return notes
