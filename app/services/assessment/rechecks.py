"""Answers carried over from an earlier checklist version: where each came from, what changed
in its wording, and which are still to re-check.

The earlier requirements are found through the lineage between the earlier version (named
by each response's ``carried_from``, e.g. "1.0.0 BBB-01 (split)", so an imported draft
without its predecessor here finds them too) and the assessment's own version.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from app.domain.checklist import Requirement
from app.domain.lineage import Carry, Lineage
from app.domain.scoring import SITE_BASES
from app.domain.text import active_language, shared_language
from app.domain.wording import Comparison, compare
from app.models import Response
from app.services.assessment.assessments import ScoreSheet
from app.services.content.checklists import UpgradeStepMissing, find_version, stored_lineage

#: Below this share of words kept, the wording was rewritten: marking nearly every word as
#: removed or added helps nobody (and a screen reader would say "removed", "added" all along),
#: so the card shows both wordings plainly, side by side.
REWRITTEN = 0.25

_lineages: dict[tuple[str, str], Lineage] = {}
_lock = threading.Lock()


def _lineage(earlier_version, later_version) -> Lineage:
    """The lineage of two stored versions, worked out once per process (it compares every statement)."""
    key = (earlier_version.content_hash, later_version.content_hash)
    found = _lineages.get(key)
    if found is None:
        found = stored_lineage(earlier_version, later_version)
        with _lock:
            _lineages[key] = found
    return found


def carried_version(response: Response) -> str | None:
    """The checklist version a carried answer came from ("1.0.0 BBB-01 (split)" -> "1.0.0")."""
    return response.carried_from.split(" ", 1)[0] if response.carried_from else None


def to_tick(requirement: Requirement, response: Response) -> bool:
    """A carried score on a requirement with elements nobody ticked yet: the elements are to be ticked."""
    return (
        bool(requirement.elements)
        and bool(response.carried_from)
        and response.value is not None
        and response.ticks is None
    )


def onto_site_basis(requirement: Requirement, response: Response) -> bool:
    """A carried answer on a requirement only records or practice decide, not resting on them.

    The earlier version asked it of the documents (or the answer never said what it rests
    on): the answer may hold for the SOP text and still say nothing of the records.
    """
    return (
        bool(response.carried_from)
        and requirement.needs_site_visit
        and response.answer.given
        and response.basis not in SITE_BASES
    )


@dataclass(frozen=True)
class CarriedWording:
    """A carried card's earlier requirement(s) beside its own, words removed and added marked."""

    carry: Carry
    version: str
    earlier: tuple[Requirement, ...]
    titles: Comparison
    statements: Comparison

    @property
    def percent_same(self) -> int:
        """Share of the earlier statement's words kept, as a whole percentage (rounded down)."""
        return int((self.carry.similarity or 0.0) * 100)

    @property
    def rewritten(self) -> bool:
        """So little of the earlier statement is kept that the two are shown without marks."""
        return (self.carry.similarity or 0.0) < REWRITTEN

    def pairs(self):
        """Each earlier requirement with its marked title and statement."""
        return zip(self.earlier, self.titles.earlier, self.statements.earlier, strict=True)


@dataclass
class CarriedAnswers:
    """The carried answers of one assessment, with the lineage they came through (when loaded)."""

    sheet: ScoreSheet
    version: str | None
    lineage: Lineage | None
    _wordings: dict[str, CarriedWording | None] = field(default_factory=dict)

    def carry(self, requirement_id: str) -> Carry | None:
        """How the requirement took its answer, or None (not carried, or the earlier version is not loaded)."""
        if self.lineage is None or not self.sheet.responses[requirement_id].carried_from:
            return None
        return self.lineage.carries.get(requirement_id)

    def change(self, requirement_id: str) -> float:
        """How much the wording changed (1.0 when unknown, so those are checked first)."""
        carry = self.carry(requirement_id)
        return carry.change if carry is not None else 1.0

    def wording(self, requirement_id: str) -> CarriedWording | None:
        """The earlier wording beside the new, for the card; None when there is nothing to show."""
        if requirement_id not in self._wordings:
            self._wordings[requirement_id] = self._compare(requirement_id)
        return self._wordings[requirement_id]

    def _compare(self, requirement_id: str) -> CarriedWording | None:
        carry = self.carry(requirement_id)
        if carry is None or not carry.earlier:
            return None
        earlier_checklist, later = self.lineage.earlier, self.lineage.later
        earlier = tuple(earlier_checklist.requirement(e) for e in carry.earlier)
        new = later.requirement(requirement_id)
        # Both wordings in one language: the reader's where both versions are translated, else English.
        language = shared_language(
            [*(r.title for r in earlier), *(r.statement for r in earlier), new.title, new.statement],
            active_language.get(),
        )
        return CarriedWording(
            carry=carry,
            version=earlier_checklist.version,
            earlier=earlier,
            titles=compare([r.title.in_language(language) for r in earlier], new.title.in_language(language)),
            statements=compare(
                [r.statement.in_language(language) for r in earlier], new.statement.in_language(language)
            ),
        )

    def onto_site_basis(self, requirement_id: str) -> bool:
        """See :func:`onto_site_basis`."""
        return onto_site_basis(self.sheet.checklist.requirement(requirement_id), self.sheet.responses[requirement_id])


def carried_answers(sheet: ScoreSheet) -> CarriedAnswers:
    """The carried answers of ``sheet``'s assessment (one query at most, for the earlier version)."""
    versions = {carried_version(r) for r in sheet.responses.values() if r.carried_from}
    if len(versions) != 1:  # none carried, or (by hand-made packages) from several: no one lineage
        return CarriedAnswers(sheet, None, None)
    (number,) = versions
    assessment = sheet.assessment
    predecessor = assessment.predecessor
    if predecessor is not None and predecessor.checklist_version.version == number:
        earlier = predecessor.checklist_version
    else:
        earlier = find_version(assessment.checklist_version.checklist_id, number)
    if earlier is None:
        return CarriedAnswers(sheet, number, None)
    try:
        found = _lineage(earlier, assessment.checklist_version)
    except UpgradeStepMissing:  # a version in between is not loaded here: no one lineage to show
        return CarriedAnswers(sheet, number, None)
    return CarriedAnswers(sheet, number, found)


@dataclass(frozen=True)
class CarriedStatus:
    """What the results page and the report say about carried answers."""

    #: How many answers were carried over.
    count: int
    #: Carried answers nobody has re-checked yet, in checklist order.
    not_rechecked: tuple[str, ...]
    #: The version they came from ("1.0.0"), or several joined when a package mixed them.
    version: str
    #: Carried answers (re-checked or not) on requirements only records or practice decide,
    #: that do not rest on records, interviews or observation.
    onto_site_basis: tuple[str, ...]


def carried_status(sheet: ScoreSheet) -> CarriedStatus | None:
    """Counts of carried answers for the results page and the report; None when nothing was carried."""
    order = [r.id for r in sheet.checklist.requirements(sheet.assessment.modules, sheet.assessment.focus)]
    carried = [rid for rid in order if rid in sheet.responses and sheet.responses[rid].carried_from]
    if not carried:
        return None
    versions = sorted({carried_version(sheet.responses[rid]) for rid in carried})
    return CarriedStatus(
        count=len(carried),
        not_rechecked=tuple(rid for rid in carried if sheet.responses[rid].recheck),
        version=", ".join(versions),
        onto_site_basis=tuple(
            rid for rid in carried if onto_site_basis(sheet.checklist.requirement(rid), sheet.responses[rid])
        ),
    )
