"""Which SOP sections answer which requirements, in both directions, from plain data.

Read from a passage: the requirements citing a section, and those it most likely answers (the
evidence suggestions turned round). Read as a whole: the coverage map, which says which sections
the citations use, which requirements no imported section answers, and which sections no
requirement cites: content the checklist may not ask about, or a citation still to make.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.domain.checklist import Requirement
from app.domain.evidence_match import Suggestion
from app.domain.sop_sections import PREAMBLE


@dataclass(frozen=True)
class SectionRef:
    """A section of an imported SOP: the document's code, the section's number, heading and length."""

    code: str
    number: str
    heading: str = ""
    length: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return (self.code, self.number)

    @property
    def mappable(self) -> bool:
        """False for the preamble (title page, contents) and an empty section: nothing to cite there."""
        return self.number != PREAMBLE and self.length > 0


@dataclass(frozen=True)
class SectionCitations:
    """One section and the requirements citing it, in checklist order."""

    section: SectionRef
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class EvidenceCoverage:
    """The coverage map of one assessment's citations over the unit's imported SOP sections."""

    #: Every mappable section, in document order, with the requirements citing it.
    sections: tuple[SectionCitations, ...]
    #: Requirements in scope that cite nothing, in checklist order.
    unanswered: tuple[Requirement, ...]
    #: How many requirements were in scope.
    in_scope: int
    #: Requirements in scope whose citations name only documents (or sections) not imported here:
    #: evidence the map cannot read, neither answered by a section nor without evidence.
    cited_elsewhere: tuple[Requirement, ...] = ()

    @property
    def citing(self) -> int:
        """How many requirements in scope cite at least one imported section."""
        return self.in_scope - len(self.unanswered) - len(self.cited_elsewhere)

    @property
    def cited(self) -> tuple[SectionCitations, ...]:
        """The sections at least one requirement cites."""
        return tuple(s for s in self.sections if s.requirements)

    @property
    def uncited(self) -> tuple[SectionRef, ...]:
        """Sections no requirement cites: content the checklist may miss, or a citation not made yet."""
        return tuple(s.section for s in self.sections if not s.requirements)

    @property
    def unanswered_on_site(self) -> tuple[Requirement, ...]:
        """Unanswered requirements that records or practice decide: a section alone cannot answer them."""
        return tuple(r for r in self.unanswered if r.needs_site_visit)

    @property
    def unanswered_in_documents(self) -> tuple[Requirement, ...]:
        """Unanswered requirements the document text decides: an SOP section should answer them."""
        return tuple(r for r in self.unanswered if not r.needs_site_visit)


def evidence_coverage(
    sections: Iterable[SectionRef],
    requirements: Sequence[Requirement],
    citations: Iterable[tuple[str, str, str]],
) -> EvidenceCoverage:
    """The coverage map: ``sections`` of the imported SOPs in document order, ``requirements`` in
    scope in checklist order, ``citations`` as (requirement id, document code, section number).

    A citation of a requirement not in scope answers nothing here; a requirement citing only
    sections not imported (a typed number, a document never imported) is ``cited_elsewhere``.
    """
    sections = list(sections)
    known = {s.key for s in sections}
    in_scope = {r.id for r in requirements}
    citing: dict[tuple[str, str], set[str]] = {}
    answered: set[str] = set()
    elsewhere: set[str] = set()
    for rid, code, number in citations:
        if rid in in_scope and (code, number) in known:
            citing.setdefault((code, number), set()).add(rid)
            answered.add(rid)
        elif rid in in_scope:
            elsewhere.add(rid)
    elsewhere -= answered
    rows = tuple(
        SectionCitations(s, tuple(r for r in requirements if r.id in citing.get(s.key, ())))
        for s in sections
        if s.mappable
    )
    return EvidenceCoverage(
        sections=rows,
        unanswered=tuple(r for r in requirements if r.id not in answered and r.id not in elsewhere),
        in_scope=len(requirements),
        cited_elsewhere=tuple(r for r in requirements if r.id in elsewhere),
    )


@dataclass(frozen=True)
class LikelyRequirement:
    """A requirement a section most likely answers: how well it matched, and the sentences that did."""

    requirement_id: str
    score: float
    rank: int  # 1 when the section is the requirement's best suggestion
    highlights: tuple[tuple[int, int], ...]


def likely_requirements(
    suggested: Mapping[str, Sequence[Suggestion]], code: str, number: str
) -> list[LikelyRequirement]:
    """The requirements whose suggestions include section ``number`` of ``code``, best score first
    (ties: the better rank, then checklist order, as ``suggested`` gives them)."""
    found = []
    for order, (rid, listed) in enumerate(suggested.items()):
        for rank, suggestion in enumerate(listed, start=1):
            if suggestion.passage.is_at(code, number):
                item = LikelyRequirement(rid, suggestion.score, rank, suggestion.highlights)
                found.append((-suggestion.score, rank, order, item))
                break
    return [item for *_key, item in sorted(found, key=lambda f: f[:3])]
