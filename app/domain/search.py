"""Finding a requirement by what a person types: its id, words of its texts, or a local term.

Each requirement is searched in the reader's language and in the checklist's own (English):
title, statement, elements, guidance and evidence. A query word matches a word that starts
with it (three letters or more), so "photograph" finds "photographs" and "pečat" finds
"pečata". A query word that is one of the glossary's regional names ("uviđaj", "očevid",
"увиђај") also looks for the English term it stands for. Every word must be found somewhere
for a requirement to match; the title counts most, then the statement, the elements, and
the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.checklist import Checklist, Requirement
from app.domain.folding import fold, words
from app.domain.text import Text

#: How much a word found in each part counts.
WEIGHTS = {"title": 4.0, "statement": 3.0, "elements": 2.0, "guidance": 1.0}
#: Shortest query word matched as the start of a longer word; shorter words must match whole.
PREFIX_FROM = 3


@dataclass(frozen=True)
class Hit:
    """A requirement that matches, how well, and the parts of it where the words were found."""

    requirement: Requirement
    score: float
    found_in: tuple[str, ...]


def _texts(text: Text | None, language: str | None) -> str:
    if text is None:
        return ""
    own = text.in_language(None)
    local = text.in_language(language)
    return own if local == own else f"{own} {local}"


def _parts(req: Requirement, language: str | None) -> dict[str, set[str]]:
    return {
        "title": set(words(_texts(req.title, language))),
        "statement": set(words(_texts(req.statement, language))),
        "elements": set(words(" ".join(_texts(e.text, language) for e in req.elements))),
        "guidance": set(
            words(" ".join([_texts(req.guidance, language), *(_texts(t, language) for t in req.evidence)]))
        ),
    }


def _matches(query_word: str, vocabulary: set[str]) -> bool:
    if query_word in vocabulary:
        return True
    return len(query_word) >= PREFIX_FROM and any(w.startswith(query_word) for w in vocabulary)


def _alternatives(checklist: Checklist, query: str) -> list[list[str]]:
    """The query as groups of alternatives: each group is one typed word, or a glossary term's words.

    A typed word that is a regional name of a glossary term brings the English term with it:
    the group matches when the regional name or every word of the English term is found.
    """
    typed = words(query)
    groups = [[w] for w in typed]
    for entry in checklist.glossary:
        for name in {fold(n) for n in entry.equivalents.values()}:
            name_words = words(name)
            if name_words and all(w in typed for w in name_words):
                english = " ".join(words(entry.term.in_language(None)))
                for group in groups:
                    if group[0] in name_words:
                        group.append(english)
    return groups


def search(checklist: Checklist, requirements: list[Requirement], query: str, language: str | None = None) -> list[Hit]:
    """The requirements among ``requirements`` that match ``query``, best first (then in checklist order).

    An exact requirement id ("rec-05") finds that requirement alone.
    """
    wanted = query.strip().upper()
    exact = [r for r in requirements if r.id == wanted]
    if exact:
        return [Hit(exact[0], float("inf"), ("id",))]
    groups = _alternatives(checklist, query)
    if not groups:
        return []
    hits = []
    for position, req in enumerate(requirements):
        parts = _parts(req, language)
        score, found = 0.0, set()
        for group in groups:
            best = 0.0
            for alternative in group:
                alt_words = alternative.split()
                for name, vocabulary in parts.items():
                    if all(_matches(w, vocabulary) for w in alt_words):
                        if WEIGHTS[name] > best:
                            best = WEIGHTS[name]
                        found.add(name)
            if not best:
                break
            score += best
        else:
            hits.append((-score, position, Hit(req, score, tuple(n for n in WEIGHTS if n in found))))
    return [hit for *_key, hit in sorted(hits, key=lambda h: (h[0], h[1]))]
