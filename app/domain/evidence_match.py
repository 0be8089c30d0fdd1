"""Evidence suggestions: the passages of a unit's SOPs most likely to answer each requirement.

An :class:`EvidenceIndex` is built once over an SOP's passages (document code, section number,
heading, text); each passage's language family is detected and it is indexed with that family's
stemmer. A requirement's :class:`~app.domain.evidence_query.Query` is scored against the
passages of each family with BM25 (the query's concepts for that family), and the sentences that
hold the matched words are returned as character spans to highlight. Results are deterministic:
ties go to the earlier passage.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.domain.checklist import Checklist
from app.domain.evidence_language import FAMILIES, detect_family, fold, stem, tokens
from app.domain.evidence_query import Concept, Pattern, Query, TermEntry, queries_for

#: BM25 constants (the usual ones); a heading word counts as this many body words.
K1, B, HEADING_BOOST = 1.2, 0.75, 2
#: A sentence is highlighted when it scores at least this share of the passage's best sentence.
HIGHLIGHT_SHARE = 0.5
MAX_HIGHLIGHTS = 3
#: Sentences end at . ! ? ; followed by a space, or at a line break (list items, table rows).
_SENTENCE = re.compile(r"[^\n]+?(?:[.!?;](?=\s)|$)", re.MULTILINE)
_LEADING_MARKS = re.compile(r"[\s\-*+#>|]+")


@dataclass(frozen=True)
class Passage:
    """A numbered section of one SOP document."""

    code: str
    section: str
    heading: str
    text: str

    def is_at(self, code: str, section: str) -> bool:
        """True for section ``section`` of document ``code``."""
        return self.code == code and self.section == section


@dataclass(frozen=True)
class Suggestion:
    """A passage proposed as evidence for a requirement, with the sentences that matched."""

    passage: Passage
    score: float
    #: ``(start, end)`` character spans in ``passage.text`` of the matching sentences, in order.
    highlights: tuple[tuple[int, int], ...]


@dataclass
class _Posting:
    """A concept resolved in one family's passages: its BM25 weight per passage and its stems."""

    scores: dict[int, float]
    stems: frozenset[str]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of a passage as ``(start, end)`` spans, list marks and spaces trimmed."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.start(), match.end()
        lead = _LEADING_MARKS.match(text, start, end)
        if lead:
            start = lead.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


class _FamilyIndex:
    """The passages of one language family, their stems and where each stem occurs."""

    def __init__(self, family: str, members: Sequence[tuple[int, Passage]]) -> None:
        self.family = family
        self.members = [number for number, _p in members]
        self.tf: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.length: dict[int, int] = {}
        self.sentences: dict[int, list[tuple[int, int, frozenset[str]]]] = {}
        surface: dict[str, str] = {}
        for number, passage in members:
            length = 0
            for token in tokens(passage.heading, family):
                self.tf[token.key][number] += HEADING_BOOST
                length += HEADING_BOOST
            found = tokens(passage.text, family)
            for token in found:
                self.tf[token.key][number] += 1
            self.length[number] = length + len(found)
            self.sentences[number] = self._sentences(passage.text, found)
            for token in found:
                surface.setdefault(fold(passage.text[token.start : token.end]), token.key)
        self.surfaces = sorted(surface)
        self.surface_stem = surface
        self.average = (sum(self.length.values()) / len(self.length)) if self.length else 1.0
        self._cache: dict[Concept, _Posting] = {}

    @staticmethod
    def _sentences(text: str, found: list) -> list[tuple[int, int, frozenset[str]]]:
        result, position = [], 0
        for start, end in sentence_spans(text):
            keys = []
            while position < len(found) and found[position].start < end:
                if found[position].start >= start:
                    keys.append(found[position].key)
                position += 1
            result.append((start, end, frozenset(keys)))
        return result

    def _stems(self, pattern: Pattern) -> set[str]:
        text, prefix = pattern
        if not prefix:
            return {key for key in (text, stem(text, self.family)) if key in self.tf}
        found = set()
        for i in range(bisect_left(self.surfaces, text), len(self.surfaces)):
            if not self.surfaces[i].startswith(text):
                break
            found.add(self.surface_stem[self.surfaces[i]])
        return found

    def posting(self, concept: Concept) -> _Posting:
        """The concept's BM25 weight in each passage where it occurs (cached)."""
        cached = self._cache.get(concept)
        if cached is not None:
            return cached
        counts: dict[int, int] = defaultdict(int)
        every: set[str] = set()
        for alternative in concept:
            stem_sets = [self._stems(pattern) for pattern in alternative]
            if not all(stem_sets):
                continue
            every.update(*stem_sets)
            per_pattern = [self._counts(stems) for stems in stem_sets]
            shared = set(per_pattern[0]).intersection(*per_pattern[1:])
            for number in shared:
                counts[number] = max(counts[number], min(c[number] for c in per_pattern))
        posting = _Posting(self._bm25(counts), frozenset(every))
        self._cache[concept] = posting
        return posting

    def _counts(self, stems: set[str]) -> dict[int, int]:
        counts: dict[int, int] = defaultdict(int)
        for key in sorted(stems):
            for number, count in self.tf[key].items():
                counts[number] += count
        return counts

    def _bm25(self, counts: Mapping[int, int]) -> dict[int, float]:
        if not counts:
            return {}
        total = len(self.members)
        idf = math.log(1 + (total - len(counts) + 0.5) / (len(counts) + 0.5))
        scores = {}
        for number in sorted(counts):
            tf = counts[number]
            norm = K1 * (1 - B + B * self.length[number] / self.average)
            scores[number] = idf * tf * (K1 + 1) / (tf + norm)
        return scores


class EvidenceIndex:
    """The passages of one unit's SOPs, indexed once for every requirement's query."""

    def __init__(self, passages: Iterable[Passage]) -> None:
        self.passages = tuple(passages)
        grouped: dict[str, list[tuple[int, Passage]]] = defaultdict(list)
        for number, passage in enumerate(self.passages):
            grouped[detect_family(f"{passage.heading}\n{passage.text}")].append((number, passage))
        self.families = {f: _FamilyIndex(f, grouped[f]) for f in FAMILIES if grouped.get(f)}

    def suggest(self, query: Query, n: int = 3) -> list[Suggestion]:
        """The ``n`` best passages for the query, best first, with their matching sentences."""
        scored: list[tuple[float, int, str]] = []
        for family, index in self.families.items():
            totals: dict[int, float] = defaultdict(float)
            for concept, weight in query.by_family.get(family, {}).items():
                for number, score in index.posting(concept).scores.items():
                    totals[number] += weight * score
            scored.extend((score, number, family) for number, score in totals.items() if score > 0)
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [self._suggestion(query, number, family, score) for score, number, family in scored[:n]]

    def _suggestion(self, query: Query, number: int, family: str, score: float) -> Suggestion:
        index = self.families[family]
        concepts = query.by_family.get(family, {})
        weights = [(index.posting(c), w) for c, w in concepts.items()]
        rated = []
        for start, end, keys in index.sentences[number]:
            value = sum(w * p.scores.get(number, 0.0) for p, w in weights if p.stems & keys)
            if value > 0:
                rated.append((value, start, end))
        best = max((value for value, _s, _e in rated), default=0.0)
        chosen = sorted(rated, key=lambda r: (-r[0], r[1]))[:MAX_HIGHLIGHTS]
        spans = sorted((s, e) for value, s, e in chosen if value >= HIGHLIGHT_SHARE * best)
        return Suggestion(self.passages[number], round(score, 3), tuple(spans))


def suggestion_at(listed: Iterable[Suggestion], code: str, section: str) -> Suggestion | None:
    """The suggestion among ``listed`` of section ``section`` of ``code``, if there is one."""
    return next((s for s in listed if s.passage.is_at(code, section)), None)


def suggest_all(
    index: EvidenceIndex,
    checklist: Checklist,
    terms: Sequence[TermEntry],
    n: int = 3,
    modules: Iterable[str] | None = None,
) -> dict[str, list[Suggestion]]:
    """Suggestions for every requirement (all modules unless named), in checklist order."""
    return {rid: index.suggest(query, n) for rid, query in queries_for(checklist, terms, modules).items()}
