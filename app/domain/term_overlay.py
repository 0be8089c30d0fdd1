"""A term overlay: the words one language variant writes differently from the text it shares.

Montenegrin shares the Bosnian text and differs in a few standard and legal words (istorija for
historija, bezbjednost for sigurnost, Zakonik o krivičnom postupku for Zakon o krivičnom postupku).
An overlay replaces whole words and phrases, longest first, keeps the case of what it replaces
(Historija becomes Istorija, HISTORIJA becomes ISTORIJA) and never touches a placeholder such as
``%(name)s`` or ``{page}``. An entry that replaces a phrase by itself protects it from the shorter
entries inside it (a law of Bosnia and Herzegovina keeps its name whoever reads it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

#: What is code, not text: gettext placeholders (``%(name)s``, ``%%``) and ``{name}`` fields.
PLACEHOLDER = re.compile(r"%\([^)]*\)[a-z]|%%|\{[A-Za-z_]+\}")


@dataclass(frozen=True)
class TermReplacement:
    """One difference: ``source`` (a word or phrase of the shared text) is written ``target``."""

    source: str
    target: str
    note: str = ""

    @property
    def protects(self) -> bool:
        """True for an entry that keeps its phrase as it is."""
        return _normal(self.source) == _normal(self.target)


def _normal(phrase: str) -> str:
    return " ".join(phrase.split()).casefold()


def _keep_case(found: str, target: str) -> str:
    """``target`` in the case of ``found``: all capitals, a capital first letter, or as written."""
    if len(found) > 1 and found.isupper():
        return target.upper()
    if found[:1].isupper():
        return target[:1].upper() + target[1:]
    return target


class TermOverlay:
    """Applies a list of :class:`TermReplacement` to text."""

    def __init__(self, replacements: Iterable[TermReplacement]) -> None:
        self.replacements = tuple(replacements)
        by_source: dict[str, TermReplacement] = {}
        for entry in self.replacements:
            key = _normal(entry.source)
            if not key:
                raise ValueError("a term overlay entry needs a word or phrase to replace")
            if key in by_source and by_source[key].target != entry.target:
                raise ValueError(f"'{entry.source}' is given two replacements")
            by_source[key] = entry
        self._by_source = by_source
        phrases = sorted(by_source, key=len, reverse=True)
        words = (r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in phrases)
        self._pattern = re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE) if phrases else None

    def apply(self, text: str) -> str:
        """``text`` with every listed word or phrase replaced, placeholders untouched."""
        if self._pattern is None or not text:
            return text
        pieces = []
        last = 0
        for code in PLACEHOLDER.finditer(text):
            pieces.append(self._replace(text[last : code.start()]))
            pieces.append(code.group(0))
            last = code.end()
        pieces.append(self._replace(text[last:]))
        return "".join(pieces)

    def changes(self, text: str) -> list[TermReplacement]:
        """The entries that change something in ``text``, in order of appearance."""
        if self._pattern is None:
            return []
        found = []
        for match in self._pattern.finditer(PLACEHOLDER.sub(" ", text)):
            entry = self._by_source[_normal(match.group(0))]
            if not entry.protects and entry not in found:
                found.append(entry)
        return found

    def _replace(self, segment: str) -> str:
        assert self._pattern is not None
        return self._pattern.sub(self._substitute, segment)

    def _substitute(self, match: re.Match[str]) -> str:
        found = match.group(0)
        entry = self._by_source[_normal(found)]
        if entry.protects:
            return found
        return _keep_case(found, entry.target)
