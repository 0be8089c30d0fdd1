"""How much the wording of a requirement changed between checklist versions, word by word.

Both the measure and the highlighted differences compare words, not characters: a person
re-checking a carried answer reads words, and a changed comma or capital letter changes
nothing they must check, so words are compared without case and surrounding punctuation
(while the text is shown as written).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

_EDGE_PUNCTUATION = re.compile(r"^[^\w]+|[^\w]+$")


def _key(word: str) -> str:
    """What a word is compared by: lower case, without the punctuation around it."""
    return _EDGE_PUNCTUATION.sub("", word.lower()) or word


def words(text: str) -> list[str]:
    """The words of ``text`` as written (split on white space)."""
    return str(text).split()


def _matcher(earlier: Sequence[str], later: Sequence[str]) -> SequenceMatcher:
    # autojunk off: statements are short, and frequent words ("the", "SOP") are words like any other.
    return SequenceMatcher(None, [_key(w) for w in earlier], [_key(w) for w in later], autojunk=False)


def similarity(earlier: str, later: str) -> float:
    """The share of words the two wordings have in common, in order (1.0: the same words)."""
    a, b = words(earlier), words(later)
    if not a and not b:
        return 1.0
    return _matcher(a, b).ratio()


@dataclass(frozen=True)
class Piece:
    """A run of words of one side of a comparison: kept, or changed (removed or added)."""

    text: str
    changed: bool


@dataclass(frozen=True)
class Comparison:
    """Earlier wordings (one, or several merged) beside the later one, each split into pieces."""

    earlier: tuple[tuple[Piece, ...], ...]
    later: tuple[Piece, ...]
    similarity: float


def _pieces(tokens: Sequence[str], changed: Sequence[bool]) -> tuple[Piece, ...]:
    out: list[Piece] = []
    for token, flag in zip(tokens, changed, strict=True):
        if out and out[-1].changed == flag:
            out[-1] = Piece(f"{out[-1].text} {token}", flag)
        else:
            out.append(Piece(token, flag))
    return tuple(out)


def compare(earlier: Sequence[str], later: str) -> Comparison:
    """Words removed from the earlier wording(s) and added in the later one.

    Several earlier wordings (a merge) are compared as one text, then split back, so each
    shows which of its words the later wording no longer has.
    """
    parts = [words(text) for text in earlier]
    a = [w for part in parts for w in part]
    b = words(later)
    removed = [True] * len(a)
    added = [True] * len(b)
    matcher = _matcher(a, b)
    for block in matcher.get_matching_blocks():
        for i in range(block.size):
            removed[block.a + i] = False
            added[block.b + i] = False
    sides, start = [], 0
    for part in parts:
        sides.append(_pieces(part, removed[start : start + len(part)]))
        start += len(part)
    ratio = matcher.ratio() if a or b else 1.0
    return Comparison(tuple(sides), _pieces(b, added), ratio)
