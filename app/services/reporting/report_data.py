"""What the gap report says, built once for the HTML preview and the PDF alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from app.domain.calibration import Calibration
from app.domain.checklist import Checklist, Requirement
from app.domain.coverage import ACCREDITATION_SOURCES, ClauseCoverage, coverage_matrix
from app.domain.evidence_coverage import EvidenceCoverage
from app.domain.in_scope import InScope
from app.domain.jurisdictions import Profile
from app.domain.ranking import Gap
from app.domain.results import AssessmentResult
from app.domain.scoring import BASIS_NOT_RECORDED, Basis, State, shown_score, summarise
from app.domain.seizure_record import REQUIREMENT_ID as SEIZURE_REQUIREMENT
from app.domain.seizure_record import SeizureRecord
from app.domain.text import Text
from app.models import Assessment, Consultation, Response, Review
from app.models.base import utcnow
from app.services.assessment.assessments import ScoreSheet, score_sheet
from app.services.assessment.evidence_map import coverage_of
from app.services.assessment.left_open import left_open
from app.services.assessment.parts import named_parts
from app.services.assessment.plans import Plan, plan_of
from app.services.assessment.readiness import readiness_of
from app.services.assessment.rechecks import CarriedStatus, carried_status
from app.services.assessment.reviews import findings
from app.services.assessment.summary import AssessmentSummary, summary_of
from app.services.assessment.workflow import consultation_of
from app.services.content.jurisdictions import profile_of
from app.services.content.seizure_records import seizure_record
from app.services.exchange.provenance import ImportedFrom, imported_from
from app.services.labels import PART_BY, level_label, priority_band

TOP_ACTIONS = 5
STRENGTHS = 3
GOOD_SCORE = 0.8


@dataclass(frozen=True)
class ReportGap:
    """A ranked gap with what the checklist and the assessor recommend, and the action closing it."""

    gap: Gap
    response: Response
    level_label: str
    checklist_recommendation: Text | None
    action_number: int | None

    @property
    def requirement(self) -> Requirement:
        return self.gap.requirement

    @property
    def rank(self) -> str:
        """The rank as printed: '4=' when tied."""
        return f"{self.gap.rank}=" if self.gap.tied else str(self.gap.rank)

    @property
    def band(self) -> str:
        """high / medium / low, from the priority."""
        return priority_band(self.gap.priority)


@dataclass(frozen=True)
class DocumentAssessed:
    """A document of the unit cited in the assessment, as it stood (frozen at finalisation)."""

    code: str
    title: str
    version: str
    issued_on: dt.date | None
    cited_by: int
    #: The register's note on the document, e.g. "only the table of contents was available".
    notes: str = ""


@dataclass(frozen=True)
class Difference:
    """A requirement where the expert's or the agreed score differs from the unit's own."""

    requirement: Requirement
    response: Response
    review: Review


@dataclass(frozen=True)
class ClauseState:
    """For the accreditation annex: a clause and the state of the requirements citing it."""

    coverage: ClauseCoverage
    score: float | None
    assessed: int
    applicable: int
    major_gaps: int

    @property
    def shown_score(self) -> float | None:
        """The clause's score where half or more of its applicable requirements are scored, else None."""
        return shown_score(self.score, self.assessed / self.applicable if self.applicable else None)


@dataclass
class ReportData:
    """Everything the gap report shows."""

    assessment: Assessment
    sheet: ScoreSheet
    generated_at: dt.datetime
    gaps: list[ReportGap]
    plan: Plan
    action_numbers: dict[int, int]
    documents: list[DocumentAssessed]
    consultation: Consultation | None
    findings: dict[str, list[tuple[Requirement, Response]]]
    differences: list[Difference]
    annex: list[ClauseState]
    reviewers: list[str]
    by_state: dict[str, list[Requirement]] = field(default_factory=dict)
    record_hash: str = ""
    #: Where the assessment stands, as the results page and ``flask assessments summary`` say it.
    summary: AssessmentSummary | None = None
    #: Answers carried over from an earlier checklist version (None: nothing was carried).
    carried: CarriedStatus | None = None
    #: An issued report's audit trail head (place, hash) at issue; None for drafts and previews.
    chain_head: tuple[int, str] | None = None
    #: An imported copy: where it came from, how far that is verified, and the review its package reported.
    imported: ImportedFrom | None = None
    #: The harmonised seizure record, printed as an annex where its requirement is assessed.
    seizure_record: SeizureRecord | None = None
    #: The unit's jurisdiction profile: the national laws Annex B names (None: the unit has no profile).
    profile: Profile | None = None

    @cached_property
    def evidence(self) -> EvidenceCoverage | None:
        """Annex E: the coverage map of the unit's imported SOP sections; None when none was imported."""
        return evidence_annex(self.sheet)

    @property
    def short_record(self) -> str:
        """What the footer prints of the record hash."""
        return self.record_hash[:12]

    @property
    def checklist(self) -> Checklist:
        return self.sheet.checklist

    @property
    def in_scope(self) -> InScope:
        """The scene types covered and left out, and the focus (printed on the cover and the summary)."""
        return self.sheet.in_scope

    @property
    def result(self) -> AssessmentResult:
        return self.sheet.result

    @property
    def calibration(self) -> Calibration:
        return self.sheet.calibration

    @property
    def reviewed(self) -> bool:
        """True when an external expert reviewed the self-assessment (or is reviewing it)."""
        if self.assessment.is_locked:
            return self.assessment.reviewed
        return self.sheet.has_review

    @property
    def top_actions(self):
        """What to fund first, for the executive summary."""
        return self.plan.top[:TOP_ACTIONS]

    @property
    def finding_counts(self) -> list[tuple[str, int]]:
        return [(key, len(items)) for key, items in self.findings.items()]

    @property
    def has_findings(self) -> bool:
        return any(self.findings.values())

    @property
    def strengths(self) -> list[str]:
        """What the unit does well: good practices the expert noted, then its best-covered sections."""
        found = [str(req.title) for req, _r in self.findings.get("good_practice", [])][:STRENGTHS]
        good = sorted(
            (r for r in self.result.assessed_sections if r.summary.score >= GOOD_SCORE),
            key=lambda r: -r.summary.score,
        )
        found += [str(r.section.title) for r in good[: max(STRENGTHS - len(found), 1)]]
        return found

    @property
    def cited_sources(self):
        """Sources cited by the requirements in this assessment, in declaration order."""
        used = {
            ref.source
            for req in self.checklist.requirements(self.assessment.modules, self.assessment.focus)
            for ref in req.references
        }
        return [s for s in self.checklist.sources if s.id in used]

    def basis_count(self, basis: str) -> int:
        return self.result.overall.basis_count(basis)

    @property
    def bases(self) -> list[tuple[str, int]]:
        known = [(b.value, self.basis_count(b)) for b in Basis if self.basis_count(b)]
        unknown = self.basis_count(BASIS_NOT_RECORDED)  # carried answers that never said
        return known + ([(BASIS_NOT_RECORDED, unknown)] if unknown else [])

    @property
    def left_open(self) -> list[tuple[str, Response]]:
        """Gaps the unit left without an action on purpose, each with its reason."""
        return left_open(self.sheet)

    @property
    def undecided_gaps(self) -> tuple[str, ...]:
        """Gaps no action closes and nobody left open with a reason."""
        return readiness_of(self.sheet).unplanned_gaps

    @property
    def parts(self) -> list[tuple[str, str]]:
        """Who did each part ("Review by", "Dr Kovač"), for the cover."""
        return [(str(PART_BY[key]), ", ".join(names)) for key, names in named_parts(self.assessment)]


def _documents(sheet: ScoreSheet) -> list[DocumentAssessed]:
    cited: dict[tuple, set[int]] = {}
    notes: dict[tuple, str] = {}
    for response in sheet.responses.values():
        for c in response.citations:
            key = (c.code, c.title, c.doc_version, c.issued_on)
            cited.setdefault(key, set()).add(response.id)
            if c.sop is not None and (c.sop.notes or "").strip():
                notes[key] = c.sop.notes.strip()  # the register's note: what the evidence was worth
    from app.services.content.sops import natural_key

    documents = [
        DocumentAssessed(code, title, version, issued, len(ids), notes.get((code, title, version, issued), ""))
        for (code, title, version, issued), ids in cited.items()
    ]
    return sorted(documents, key=natural_key)


def build_report(assessment: Assessment, sheet: ScoreSheet | None = None, record_hash: str = "") -> ReportData:
    """Gather the report's content from an assessment."""
    sheet = sheet or score_sheet(assessment)
    checklist = sheet.checklist
    plan = plan_of(sheet)
    numbers = {item.action.id: n for n, item in enumerate(plan.items, start=1)}
    gaps = []
    for gap in sheet.result.gaps:
        response = sheet.responses[gap.requirement.id]
        action = sheet.action_of.get(response.id)
        gaps.append(
            ReportGap(
                gap=gap,
                response=response,
                level_label=level_label(checklist.level(gap.value)),
                checklist_recommendation=gap.requirement.recommendation_for(gap.value),
                action_number=numbers.get(action.id) if action else None,
            )
        )
    requirements = list(checklist.requirements(assessment.modules, assessment.focus))
    by_state: dict[str, list[Requirement]] = {s.value: [] for s in State}
    for req in requirements:
        by_state[sheet.result.states[req.id].value].append(req)
    differences = [
        Difference(req, sheet.responses[req.id], sheet.responses[req.id].review)
        for req in requirements
        if sheet.differs(req.id)
    ]
    reviewers = sorted({r.review.updated_by.name for r in sheet.responses.values() if r.review and r.review.updated_by})
    return ReportData(
        assessment=assessment,
        sheet=sheet,
        generated_at=utcnow(),
        gaps=gaps,
        plan=plan,
        action_numbers=numbers,
        documents=_documents(sheet),
        consultation=consultation_of(assessment.id),
        findings=findings(sheet),
        differences=differences,
        annex=_annex(sheet),
        reviewers=reviewers,
        by_state=by_state,
        record_hash=record_hash,
        summary=summary_of(sheet),
        carried=carried_status(sheet),
        imported=imported_from(assessment, sheet),
        seizure_record=seizure_record() if any(r.id == SEIZURE_REQUIREMENT for r in requirements) else None,
        profile=profile_of(assessment.unit),
    )


def _annex(sheet: ScoreSheet) -> list[ClauseState]:
    """Clause by clause of ISO/IEC 17020 and ENFSI-SOC: how the citing requirements stand."""
    matrix = coverage_matrix(sheet.checklist, sheet.assessment.modules, sheet.assessment.focus)
    clauses = [row for row in matrix if row.source in ACCREDITATION_SOURCES and row.clause is not None]
    clauses.sort(key=lambda row: ACCREDITATION_SOURCES.index(row.source))  # stable: clause order kept
    rows = []
    for row in clauses:
        summary = summarise(sheet.checklist, row.requirements, sheet.answers, sheet.scope)
        rows.append(ClauseState(row, summary.score, summary.assessed, summary.applicable, summary.major_gaps))
    return rows


def evidence_annex(sheet: ScoreSheet) -> EvidenceCoverage | None:
    """The SOP sections the assessment cites, what no section answers and what no requirement cites."""
    return coverage_of(sheet)
