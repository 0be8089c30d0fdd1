"""The checklist model: what a unit's SOPs are assessed against.

Built by :mod:`app.domain.loader` from a YAML file; immutable once built.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property

from app.domain.text import Text

CRITICALITIES = ("essential", "important", "desirable")
CONSEQUENCES = ("integrity", "contamination", "safety", "admissibility", "quality")
#: What decides a requirement: the document text, records, or practice seen or heard.
DECIDED_FROM = ("document", "records", "practice")
EFFORT_BANDS = ("days", "weeks", "months")
COST_BANDS = ("none", "low", "medium", "high")

DEFAULT_SCALE = (
    (0, "not_addressed", "Not addressed"),
    (1, "partial", "Partially addressed"),
    (2, "largely", "Largely addressed"),
    (3, "full", "Fully addressed"),
)
#: A clause key that names a topic rather than a number (``recording``, ``contract-review``).
_STABLE_KEY = re.compile(r"[a-z]+(?:-[a-z]+)*")
DEFAULT_WEIGHTS = {"essential": 3, "important": 2, "desirable": 1}


class Focus(StrEnum):
    """Which requirements of the chosen sections an assessment takes.

    A unit's first consultation may take the essential requirements only; the others are then
    out of scope (no card, no figure) until a unit head widens it to the full checklist.
    """

    FULL = "full"
    ESSENTIALS = "essentials"


@dataclass(frozen=True)
class ScaleLevel:
    """One value on the scoring scale."""

    value: int
    key: str
    label: Text


@dataclass(frozen=True)
class Module:
    """An optional group of sections an assessment may include or leave out."""

    id: str
    title: Text
    description: Text | None = None


@dataclass(frozen=True)
class Source:
    """A reference document requirements cite."""

    id: str
    title: Text
    edition: str | None = None
    year: int | None = None
    publisher: str | None = None
    url: str | None = None
    note: Text | None = None
    #: The clauses the checklist tracks: a stable key (``7.1.5``, ``recording``) and its heading.
    clauses: dict[str, str] = field(default_factory=dict)
    #: For stable keys: the clause number in each edition whose numbering is known.
    numbers: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Clauses an accreditation cannot be granted without (see the checklist's criticality rule).
    core: frozenset[str] = frozenset()
    #: Clause -> the retrievable document its topic was checked against (never printed).
    confirmed_by: dict[str, str] = field(default_factory=dict)

    def number(self, clause: str | None) -> str | None:
        """The clause's number in each edition whose numbering is known (``5.3 in v1.0``), or None."""
        editions = self.numbers.get(clause or "")
        return "; ".join(f"{number} in {edition}" for edition, number in editions.items()) if editions else None

    def cite(self, clause: str | None) -> str:
        """A citation a reader can trace.

        Numbers and names are printed as they are (``ISO17020 7.1.5``, ``INTERPOL iARMS``), with
        the number in other editions where the source entry maps one (``ISO17020 7.1.5 (7.2.4 in
        2026)``); a stable key such as ``recording`` prints its heading and its number in each
        edition (``ENFSI-SOC Recording the scene (5.3 in v1.0)``).
        """
        if clause is None:
            return self.id
        number = self.number(clause)
        if not _STABLE_KEY.fullmatch(clause):  # the key is the number in the cited edition
            return f"{self.id} {clause} ({number})" if number else f"{self.id} {clause}"
        heading = self.clauses.get(clause, clause)
        return f"{self.id} {heading} ({number})" if number else f"{self.id} {heading}"

    def tracked_clause(self, clause: str | None) -> str | None:
        """The declared clause that ``clause`` is or falls under (``7.1.2`` -> ``7.1``), the most specific first."""
        if clause is None:
            return None
        matching = [key for key in self.clauses if clause == key or clause.startswith(key + ".")]
        return max(matching, key=len) if matching else None


@dataclass(frozen=True)
class Remedy:
    """An action that closes the gaps of every requirement naming it."""

    id: str
    title: Text
    description: Text | None = None
    effort: str | None = None
    cost: str | None = None


@dataclass(frozen=True)
class Reference:
    """A requirement's citation of a source clause."""

    source: str
    clause: str | None = None
    note: str | None = None

    def label(self) -> str:
        """Short citation such as ``ISO17020 7.3``."""
        return f"{self.source} {self.clause}" if self.clause else self.source


@dataclass(frozen=True)
class Requirement:
    """One checkable requirement on a unit's SOPs."""

    id: str
    section_id: str
    module: str | None
    title: Text
    statement: Text
    guidance: Text | None
    evidence: tuple[Text, ...]
    criticality: str
    consequence: str
    references: tuple[Reference, ...]
    recommendations: dict[int, Text]
    position: int = 0
    decided_from: str = "document"
    remedy: str | None = None
    #: Requirements of earlier versions whose answers this one takes on upgrade (see lineage).
    replaces: tuple[str, ...] = ()
    #: What each scale value looks like for this requirement (the scoring anchors).
    anchors: dict[int, Text] = field(default_factory=dict)
    #: Where national law or the unit's mandate decides whether and how it applies.
    applicability: Text | None = None
    #: Why a requirement resting on a core duty is not essential (see the criticality rule).
    criticality_reason: Text | None = None
    #: The checkable items it consists of; the level follows the ones met (see :func:`level_from_elements`).
    elements: tuple[Element, ...] = ()
    #: ``same``: reworded in plainer words; the duty and the elements are the predecessor's (same id).
    carried_as: str | None = None
    #: Conditions on the unit's jurisdiction profile under which it applies (see app.domain.applicability).
    applies_when: AppliesWhen | None = None

    @property
    def needs_site_visit(self) -> bool:
        """True when only records or practice can decide it: a desk review cannot."""
        return self.decided_from != "document"

    def recommendation_for(self, value: int) -> Text | None:
        """The recommendation for a score: its own key, else the closest lower key."""
        keys = [k for k in self.recommendations if k <= value]
        return self.recommendations[max(keys)] if keys else None


@dataclass(frozen=True)
class AppliesWhen:
    """Profile fields and the values under which a requirement applies, and why it depends on them."""

    #: Field -> the accepted values (one or more).
    conditions: dict[str, tuple]
    reason: Text


@dataclass(frozen=True)
class Element:
    """One checkable item of a requirement; essential ones must all be met for the second level."""

    text: Text
    essential: bool


def level_from_elements(elements: Sequence[Element], met: Iterable[int]) -> int | None:
    """The level the elements met propose, by the rule every requirement with elements shares.

    3 when every element is met; 2 when every essential element and at least half of all are;
    1 when at least one is; 0 when none is. ``met`` holds the positions (from 0) of the
    elements met. None when the requirement has no elements.
    """
    if not elements:
        return None
    ticked = {i for i in met if 0 <= i < len(elements)}
    if len(ticked) == len(elements):
        return 3
    essentials = {i for i, element in enumerate(elements) if element.essential}
    if essentials <= ticked and 2 * len(ticked) >= len(elements):
        return 2
    return 1 if ticked else 0


@dataclass(frozen=True)
class GlossaryEntry:
    """A term the checklist uses, what it means, and its names in the region's languages."""

    term: Text
    meaning: Text
    #: Language tag -> the term in that language's legal use, where confirmed.
    equivalents: dict[str, str] = field(default_factory=dict)
    note: Text | None = None


@dataclass(frozen=True)
class Section:
    """A group of requirements on one subject."""

    id: str
    title: Text
    module: str | None
    intro: Text | None
    requirements: tuple[Requirement, ...]
    position: int = 0


@dataclass(frozen=True)
class Checklist:
    """A whole checklist at one version."""

    id: str
    version: str
    title: Text
    language: str
    description: Text | None
    scale: tuple[ScaleLevel, ...]
    weights: dict[str, float]
    modules: tuple[Module, ...]
    sources: tuple[Source, ...]
    sections: tuple[Section, ...]
    remedies: tuple[Remedy, ...] = ()
    #: Requirements of earlier versions that no requirement carries on, with the reason.
    retired: dict[str, Text] = field(default_factory=dict)
    #: How criticality is decided, in the file's own words.
    criticality_rule: Text | None = None
    #: How the level follows the elements met (printed); see :func:`level_from_elements`.
    level_rule: Text | None = None
    #: The version whose requirement ids ``replaces`` names; older versions upgrade through it.
    carries_from: str | None = None
    glossary: tuple[GlossaryEntry, ...] = ()
    content_hash: str = ""
    #: The checked content as JSON data (what is stored and hashed).
    document: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def ref(self) -> str:
        """``id@version``, how people name a checklist version."""
        return f"{self.id}@{self.version}"

    @property
    def max_value(self) -> int:
        """The top of the scale: a requirement at this value is fully met."""
        return max(level.value for level in self.scale)

    @cached_property
    def _requirements_by_id(self) -> dict[str, Requirement]:
        return {r.id: r for s in self.sections for r in s.requirements}

    @cached_property
    def _sources_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    @cached_property
    def _remedies_by_id(self) -> dict[str, Remedy]:
        return {r.id: r for r in self.remedies}

    def remedy(self, remedy_id: str) -> Remedy | None:
        """The declared remedy with this id, or None."""
        return self._remedies_by_id.get(remedy_id)

    def section(self, section_id: str) -> Section:
        """The section with this id; KeyError when there is none."""
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def requirement(self, requirement_id: str) -> Requirement:
        """The requirement with this id; KeyError when there is none."""
        return self._requirements_by_id[requirement_id]

    def source(self, source_id: str) -> Source:
        """The declared source with this id; KeyError when there is none."""
        return self._sources_by_id[source_id]

    def cite(self, reference: Reference) -> str:
        """The printable citation of a reference (see :meth:`Source.cite`)."""
        return self.source(reference.source).cite(reference.clause)

    def level(self, value: int) -> ScaleLevel | None:
        """The scale level for a value, or None when the value is not on the scale."""
        return next((lvl for lvl in self.scale if lvl.value == value), None)

    def module(self, module_id: str) -> Module:
        """The declared module with this id; KeyError when there is none."""
        return next(m for m in self.modules if m.id == module_id)

    def sections_for(self, modules: Iterable[str] = (), focus: str = Focus.FULL) -> tuple[Section, ...]:
        """Core sections plus those of the chosen modules, in checklist order.

        With the essentials focus each section keeps its essential requirements only, and a
        section left with none is not in scope at all.
        """
        chosen = set(modules)
        sections = tuple(s for s in self.sections if s.module is None or s.module in chosen)
        if focus != Focus.ESSENTIALS:
            return sections
        narrowed = (
            replace(s, requirements=tuple(r for r in s.requirements if r.criticality == "essential")) for s in sections
        )
        return tuple(s for s in narrowed if s.requirements)

    def requirements(self, modules: Iterable[str] = (), focus: str = Focus.FULL) -> Iterator[Requirement]:
        """Requirements of the core and the chosen modules (essential ones only with that focus), in checklist order."""
        for section in self.sections_for(modules, focus):
            yield from section.requirements

    def module_size(self, module_id: str) -> int:
        """How many requirements a module adds to an assessment."""
        return sum(len(s.requirements) for s in self.sections if s.module == module_id)

    def weight(self, requirement: Requirement) -> float:
        """The weight of a requirement, from its criticality."""
        return self.weights[requirement.criticality]
