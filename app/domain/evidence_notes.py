"""Reading an assessor's note for what it says about the evidence.

A 0 means the SOP does not address a requirement; a document nobody could see is "not
evidenced", never 0. People still write "quality manual not seen" beside a 0, and such
zeros turn into the first actions of a plan (write a manual the unit may well have). A
note that says the document was not seen or not available is worth a question.
"""

from __future__ import annotations

import re

#: Ways people write that a document or record was not seen or not available: English and
#: the region's languages (Latin and Cyrillic), as assessors write them in short notes.
_NOT_SEEN = re.compile(
    r"""
    \b(?:not|never|wasn't|weren't)\ (?:been\ )?(?:made\ )?
        (?:seen|available|provided|shown|supplied|submitted|received|obtained|sighted)\b
    | \bunavailable\b | \bnot\ evidenced\b | \bno\ access\ to\b | \bcould\ not\ (?:see|obtain|access)\b
    | \bni(?:je|su)\ (?:viđen|viden|dostavljen|dostup|prikazan|predočen|predocen|pokazan|dat)\w*
    | \bни(?:је|су)\ (?:виђен|достављен|доступ|приказан|предочен|показан)\w*
    | \bnuk\ (?:u\ )?(?:pa|ofrua|paraqit|dorëzua)\b | \bnuk\ (?:është|ishte)\ në\ dispozicion\b
    | \bне\ (?:е|беше)\ (?:виден|доставен|достап|приложен|прикажан)\w*
    """,
    re.IGNORECASE | re.VERBOSE,
)


def says_not_seen(note: str | None) -> bool:
    """True when ``note`` says the document or record was not seen or not available."""
    return bool(note) and _NOT_SEEN.search(note) is not None
