"""The assessment's evidence read both ways: from an SOP section to the requirements, and the coverage map.

The sections are those of the unit's current imported documents
(:func:`app.services.content.evidence.current_documents`); the citations are the assessment's
own. Citing from a section goes through :func:`app.services.assessment.citing.cite_section`, so
the stage guard, the refusals and the audit trail are the card's.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.domain.checklist import Requirement
from app.domain.evidence_coverage import (
    EvidenceCoverage,
    LikelyRequirement,
    SectionRef,
    evidence_coverage,
    likely_requirements,
)
from app.domain.evidence_match import suggestion_at
from app.domain.scoring import State
from app.extensions import db
from app.models import Sop, SopDocument, SopSection, User
from app.services.assessment.assessments import ScoreSheet
from app.services.assessment.citing import Cited, CiteRefused, cite_section, quote_of
from app.services.content.evidence import current_documents, suggestions
from app.services.content.sop_documents import current_section, documents_of
from app.services.labels import STATE, level_label

#: How many suggestions of each requirement are turned round to find what a section answers.
LIKELY_DEPTH = 5


@dataclass(frozen=True)
class RegisterDocument:
    """A document of the unit's register with its current imported version and its sections."""

    sop: Sop
    document: SopDocument

    @property
    def sections(self) -> list[SopSection]:
        return list(self.document.sections)


@dataclass(frozen=True)
class LikelyAnswer:
    """A requirement the section most likely answers, as the page lists it."""

    requirement: Requirement
    match: LikelyRequirement
    level: str  # its current level, or where it stands when it has none
    cites_it: bool


@dataclass(frozen=True)
class SectionReading:
    """One section read on the Evidence page: who cites it, and what it most likely answers."""

    sop: Sop
    document: SopDocument
    section: SopSection
    citing: tuple[Requirement, ...]
    likely: tuple[LikelyAnswer, ...]


def register_documents(sheet: ScoreSheet) -> list[RegisterDocument]:
    """The unit's documents that have an imported current version, in code order.

    A finalised assessment reads each document at the version its citations froze, when that
    version was imported: a later version of the SOP does not change what it was assessed on.
    """
    frozen = {}
    if sheet.assessment.is_locked:
        frozen = {c.sop_id: c.frozen_version for r in sheet.responses.values() for c in r.citations if c.frozen}
    found = []
    for sop, document in current_documents(sheet.assessment.unit_id):
        version = frozen.get(sop.id)
        if version and version != document.version:
            document = next((d for d in documents_of(sop) if d.version == version), document)
        found.append(RegisterDocument(sop, document))
    return found


def citations_of(sheet: ScoreSheet) -> list[tuple[str, str, str]]:
    """Every citation of the assessment as (requirement id, document code, section number)."""
    return [(rid, c.code, c.section) for rid, response in sheet.responses.items() for c in response.citations]


def citing_counts(sheet: ScoreSheet) -> dict[tuple[str, str], int]:
    """How many requirements cite each (document code, section number)."""
    counts: dict[tuple[str, str], set[str]] = {}
    for rid, code, number in citations_of(sheet):
        counts.setdefault((code, number), set()).add(rid)
    return {key: len(rids) for key, rids in counts.items()}


def requirements_in_scope(sheet: ScoreSheet) -> list[Requirement]:
    """The assessment's requirements an SOP could answer: those of its scope, not marked not applicable."""
    states = sheet.result.states
    return [
        r
        for r in sheet.checklist.requirements(sheet.assessment.modules, sheet.assessment.focus)
        if states.get(r.id) is not State.NOT_APPLICABLE
    ]


def coverage_of(sheet: ScoreSheet, documents: list[RegisterDocument] | None = None) -> EvidenceCoverage | None:
    """The coverage map of the assessment's citations; None when the unit imported no SOP."""
    documents = register_documents(sheet) if documents is None else documents
    if not documents:
        return None
    sections = [
        SectionRef(d.sop.code, s.number, s.heading or "", s.length or len((s.text or "").strip()))
        for d in documents
        for s in d.sections
    ]
    return evidence_coverage(sections, requirements_in_scope(sheet), citations_of(sheet))


def level_of(sheet: ScoreSheet, requirement_id: str) -> str:
    """The requirement's current level ("2 Largely addressed"), or where it stands without one."""
    state = sheet.result.states.get(requirement_id)
    answer = sheet.answers.get(requirement_id)
    if state is State.SCORED and answer is not None and answer.value is not None:
        level = sheet.checklist.level(answer.value)
        return f"{answer.value} {level_label(level)}" if level else str(answer.value)
    return str(STATE[state.value]) if state is not None else ""


def _cites(sheet: ScoreSheet, requirement_id: str, code: str, number: str) -> bool:
    response = sheet.responses.get(requirement_id)
    return response is not None and any(c.code == code and c.section == number for c in response.citations)


def read_section(sheet: ScoreSheet, documents: list[RegisterDocument], code: str, number: str) -> SectionReading | None:
    """Section ``number`` of document ``code``: who cites it and what it most likely answers; None if not imported."""
    found = next(((d, s) for d in documents if d.sop.code == code for s in d.sections if s.number == number), None)
    if found is None:
        return None
    document, section = found
    order = [r.id for r in sheet.checklist.requirements(sheet.assessment.modules, sheet.assessment.focus)]
    citing = tuple(sheet.checklist.requirement(rid) for rid in order if _cites(sheet, rid, code, number))
    likely = tuple(
        LikelyAnswer(
            sheet.checklist.requirement(match.requirement_id),
            match,
            level_of(sheet, match.requirement_id),
            _cites(sheet, match.requirement_id, code, number),
        )
        for match in likely_requirements(suggestions(sheet.assessment, n=LIKELY_DEPTH), code, number)
        if match.requirement_id in sheet.responses
    )
    return SectionReading(document.sop, document.document, section, citing, likely)


def sop_of_unit(sheet: ScoreSheet, code: str) -> Sop:
    """The register entry with this code in the assessment's unit; refused when there is none."""
    sop = db.session.scalar(select(Sop).where(Sop.unit_id == sheet.assessment.unit_id, Sop.code == code))
    if sop is None:
        raise CiteRefused(_("This unit's register has no document %(code)s.", code=code or "?"))
    return sop


def cite_on_requirements(
    sheet: ScoreSheet, code: str, number: str, requirement_ids: list[str], user: User | None
) -> Cited:
    """Cite section ``number`` of ``code`` on each requirement named (flushed, not committed).

    Each card keeps the sentences its own suggestion of the section highlighted, else the
    section's opening. Refused whole (the caller rolls back) as :func:`cite_section` refuses.
    """
    sop = sop_of_unit(sheet, code)
    wanted = list(dict.fromkeys(r.strip().upper() for r in requirement_ids if r.strip()))
    section = current_section(sop, number)
    if section is None or not wanted:
        return cite_section(sheet, wanted, sop, number, "", user)  # refuses, saying why
    found = suggestions(sheet.assessment, wanted, n=LIKELY_DEPTH)
    groups: dict[str, list[str]] = {}
    for rid in wanted:
        suggestion = suggestion_at(found.get(rid, ()), code, number)
        highlights = suggestion.highlights if suggestion is not None else ()
        groups.setdefault(quote_of(section.text or "", highlights), []).append(rid)
    cited: list[str] = []
    already: list[str] = []
    for quote, rids in groups.items():
        done = cite_section(sheet, rids, sop, number, quote, user)
        cited += done.cited
        already += done.already
    return Cited(tuple(r for r in wanted if r in cited), tuple(r for r in wanted if r in already))
