"""What to look for in an SOP to answer a requirement: one query per requirement.

Each requirement becomes a :class:`Query` of weighted *concepts*, built from its title,
statement, elements, evidence and guidance and cached per checklist version. For English
passages a concept is a stemmed word of the requirement, or the English synonyms of a term-list
entry it names; for passages in the region's languages it is the regional side of a term-list
entry (``checklists/data/evidence-terms.yaml``) or of a glossary entry, matched by prefix. No
model, no network: the term list and the glossary are the whole of the cross-language knowledge.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.domain.checklist import Checklist, Requirement
from app.domain.evidence_language import (
    ALBANIAN,
    CHECKLIST_WORDS,
    ENGLISH,
    FAMILIES,
    FAMILY_OF_TAG,
    REQUIREMENT_ID,
    SOUTH_SLAVIC,
    STOP_WORDS,
    fold,
    tokens,
    words,
)

#: Field weights of a requirement's text in its query: the title says most about it.
FIELD_WEIGHTS = (("title", 3.0), ("statement", 2.0), ("elements", 1.5), ("evidence", 0.8), ("guidance", 0.6))
#: An English synonym from the term list counts this much of the word that brought it in.
SYNONYM_WEIGHT = 0.5
#: A concept named in many fields is what the requirement is about; the cap only stops runaway repetition.
MAX_TERM_WEIGHT = 20.0

#: A pattern matches a word by its stem (``exact``) or its beginning (``prefix``).
Pattern = tuple[str, bool]
#: A concept: alternatives, each a tuple of patterns that must all occur in the passage.
Concept = tuple[tuple[Pattern, ...], ...]


@dataclass(frozen=True)
class Query:
    """What to look for, per language family: concept -> weight."""

    requirement_id: str
    by_family: Mapping[str, Mapping[Concept, float]]


@dataclass(frozen=True)
class TermEntry:
    """One row of the bilingual term list: English phrases and the regional word beginnings."""

    english: tuple[str, ...]
    #: ``(family, word beginnings)`` pairs: a tuple, so that a term list can key a cache.
    regional: tuple[tuple[str, tuple[str, ...]], ...]


def read_terms(path: str | Path) -> tuple[TermEntry, ...]:
    """The bilingual term list from its YAML file (see ``checklists/data/evidence-terms.yaml``)."""
    import yaml  # PyYAML loads when a file is read, not with the app

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return tuple(
        TermEntry(
            english=tuple(str(e) for e in row.get("en") or ()),
            regional=tuple((f, tuple(str(w) for w in row.get(f) or ())) for f in (SOUTH_SLAVIC, ALBANIAN)),
        )
        for row in data.get("terms") or ()
    )


def glossary_terms(checklist: Checklist) -> tuple[TermEntry, ...]:
    """The checklist glossary as term-list rows: the term's English names and its equivalents."""
    rows = []
    for entry in checklist.glossary:
        names = re.split(r"[()/,]", entry.term.in_language("en"))
        regional: dict[str, list[str]] = defaultdict(list)
        for tag, word in entry.equivalents.items():
            if tag in FAMILY_OF_TAG and FAMILY_OF_TAG[tag] != ENGLISH:
                regional[FAMILY_OF_TAG[tag]].append(word)
        english = tuple(n.strip() for n in names if n.strip())
        rows.append(TermEntry(english, tuple((f, tuple(v)) for f, v in regional.items())))
    return tuple(rows)


# -- queries -------------------------------------------------------------------------------------


def _regional_concept(variants: Iterable[str], family: str) -> Concept:
    """A term-list cell as a concept: each variant's words, stop words out, prefixes from 4 letters."""
    alternatives = []
    for variant in variants:
        folded = [w for w, _s, _e in words(variant)]
        content = [w for w in folded if w not in STOP_WORDS[family]] or folded
        if content:
            alternatives.append(tuple((w, len(w) > 3) for w in content))
    return tuple(dict.fromkeys(alternatives))


def _english_stems(text: str) -> list[str]:
    return [t.key for t in tokens(REQUIREMENT_ID.sub(" ", text), ENGLISH) if t.key not in CHECKLIST_WORDS]


def _fields(requirement: Requirement) -> Iterable[tuple[float, str]]:
    weights = dict(FIELD_WEIGHTS)
    yield weights["title"], requirement.title.in_language("en")
    yield weights["statement"], requirement.statement.in_language("en")
    for element in requirement.elements:
        yield weights["elements"], element.text.in_language("en")
    for item in requirement.evidence:
        yield weights["evidence"], item.in_language("en")
    if requirement.guidance is not None:
        yield weights["guidance"], requirement.guidance.in_language("en")


class QueryBuilder:
    """Turns requirements into queries with one term list; keep one per checklist version."""

    def __init__(self, entries: Sequence[TermEntry]) -> None:
        self._phrases: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
        self._entries = tuple(entries)
        for number, entry in enumerate(self._entries):
            for phrase in entry.english:
                stems = tuple(_english_stems(phrase))
                if stems:
                    self._phrases[stems[0]].append((stems, number))
        self._regional = [{f: _regional_concept(v, f) for f, v in entry.regional} for entry in self._entries]

    def _english_concept(self, number: int) -> Concept:
        alternatives = [tuple((s, False) for s in _english_stems(p)) for p in self._entries[number].english]
        return tuple(dict.fromkeys(a for a in alternatives if a))

    def build(self, requirement: Requirement) -> Query:
        """The query for one requirement."""
        stems: dict[str, float] = defaultdict(float)
        entries: dict[int, float] = defaultdict(float)
        literal: dict[str, float] = defaultdict(float)
        for weight, text in _fields(requirement):
            sequence = _english_stems(text)
            for position, key in enumerate(sequence):
                stems[key] += weight
                for phrase, number in self._phrases.get(key, ()):
                    if tuple(sequence[position : position + len(phrase)]) == phrase:
                        entries[number] += weight
            for acronym in re.findall(r"\b(?:[A-Z][A-Za-z]*[A-Z]|\d+[A-Z]+|\d{4,})\b", REQUIREMENT_ID.sub(" ", text)):
                literal[fold(acronym)] += weight
        english: dict[Concept, float] = {(((k, False),),): min(w, MAX_TERM_WEIGHT) for k, w in stems.items()}
        regional: dict[str, dict[Concept, float]] = {f: {} for f in FAMILIES[1:]}
        for number, weight in entries.items():
            weight = min(weight, MAX_TERM_WEIGHT)
            synonyms = self._english_concept(number)
            if synonyms:
                english[synonyms] = english.get(synonyms, 0.0) + SYNONYM_WEIGHT * weight
            for family, concept in self._regional[number].items():
                if concept:
                    regional[family][concept] = regional[family].get(concept, 0.0) + weight
        for word, weight in literal.items():
            for family in regional:
                regional[family][(((word, False),),)] = min(weight, MAX_TERM_WEIGHT)
        return Query(requirement.id, {ENGLISH: english, **regional})


_QUERY_CACHE: dict[tuple[str, str, str, int], dict[str, Query]] = {}


def queries_for(
    checklist: Checklist, terms: Sequence[TermEntry], modules: Iterable[str] | None = None
) -> dict[str, Query]:
    """The query of every requirement (all modules unless named), cached per checklist version."""
    key = (checklist.id, checklist.version, checklist.content_hash, hash(tuple(terms)))
    if key not in _QUERY_CACHE:
        builder = QueryBuilder(tuple(terms) + glossary_terms(checklist))
        every = [m.id for m in checklist.modules]
        _QUERY_CACHE[key] = {r.id: builder.build(r) for r in checklist.requirements(every)}
    queries = _QUERY_CACHE[key]
    if modules is None:
        return dict(queries)
    return {r.id: queries[r.id] for r in checklist.requirements(modules)}
