"""The gap report: what it says (built once) and how it is drawn (HTML preview or PDF)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.domain.checklist import Checklist, Requirement
from app.domain.coverage import ACCREDITATION_SOURCES, ClauseCoverage, coverage_matrix
from app.domain.scoring import AssessmentResult, Gap, summarise
from app.domain.text import Text, active_language
from app.models import Assessment, Response
from app.models.base import utcnow
from app.services.assessments import ScoreSheet, score_sheet
from app.services.charts import BarChart, Radar, section_bars, section_radar
from app.services.labels import priority_band
from app.services.packages import build_package, package_bytes, record_hash

FONTS_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
TOP_PRIORITIES = 10
PDF_VARIANT = "pdf/a-3a"
RECORD_NAME = "assessment-record.json"


@dataclass(frozen=True)
class ReportGap:
    """A ranked gap with what the checklist and the assessor recommend."""

    rank: int
    gap: Gap
    response: Response
    level_label: Text
    checklist_recommendation: Text | None

    @property
    def requirement(self) -> Requirement:
        return self.gap.requirement

    @property
    def band(self) -> str:
        """high / medium / low, from the priority."""
        return priority_band(self.gap.priority)

    @property
    def action(self) -> str:
        """What to do: the assessor's recommendation, else the checklist's for this level."""
        return self.response.recommendation or (
            str(self.checklist_recommendation) if self.checklist_recommendation else ""
        )


@dataclass(frozen=True)
class ClauseState:
    """For the accreditation annex: a clause and the state of the requirements citing it."""

    coverage: ClauseCoverage
    score: float | None
    assessed: int
    applicable: int
    major_gaps: int


@dataclass
class ReportData:
    """Everything the gap report shows, computed once for preview and PDF alike."""

    assessment: Assessment
    sheet: ScoreSheet
    generated_at: dt.datetime
    gaps: list[ReportGap]
    not_applicable: list[tuple[Requirement, Response]]
    unassessed: list[Requirement]
    bars: BarChart
    radar: Radar
    annex: list[ClauseState]
    record_hash: str = ""

    @property
    def short_record(self) -> str:
        """What the footer prints of the record hash."""
        return self.record_hash[:12]

    @property
    def checklist(self) -> Checklist:
        return self.sheet.checklist

    @property
    def result(self) -> AssessmentResult:
        return self.sheet.result

    @property
    def top(self) -> list[ReportGap]:
        """The highest priorities, for the executive summary."""
        return self.gaps[:TOP_PRIORITIES]

    def in_plan(self, gap: ReportGap) -> bool:
        """High priority, or with an agreed owner or due date: listed in the action plan."""
        return gap.band == "high" or bool(gap.response.action_owner) or gap.response.action_due is not None

    @property
    def planned(self) -> list[ReportGap]:
        """Gaps in the action plan."""
        return [g for g in self.gaps if self.in_plan(g)]

    @property
    def unplanned(self) -> list[ReportGap]:
        """The other gaps, listed by number after the plan."""
        return [g for g in self.gaps if not self.in_plan(g)]

    @property
    def cited_sources(self):
        """Sources cited by the requirements in this assessment, in declaration order."""
        used = {ref.source for req in self.checklist.requirements(self.assessment.modules) for ref in req.references}
        return [s for s in self.checklist.sources if s.id in used]

    @property
    def strongest(self):
        scored = [r for r in self.result.sections if r.summary.score is not None]
        return max(scored, key=lambda r: r.summary.score) if scored else None

    @property
    def weakest(self):
        scored = [r for r in self.result.sections if r.summary.score is not None]
        return min(scored, key=lambda r: r.summary.score) if scored else None


def build_report(assessment: Assessment, sheet: ScoreSheet | None = None, record_hash: str = "") -> ReportData:
    """Gather the report's content from an assessment."""
    sheet = sheet or score_sheet(assessment)
    checklist = sheet.checklist
    gaps = []
    for rank, gap in enumerate(sheet.result.gaps, start=1):
        level = checklist.level(gap.value)
        gaps.append(
            ReportGap(
                rank=rank,
                gap=gap,
                response=sheet.responses[gap.requirement.id],
                level_label=level.label,
                checklist_recommendation=gap.requirement.recommendation_for(gap.value),
            )
        )
    requirements = list(checklist.requirements(assessment.modules))
    not_applicable = [(r, sheet.responses[r.id]) for r in requirements if sheet.answers[r.id].not_applicable]
    unassessed = [r for r in requirements if not sheet.answers[r.id].assessed]
    return ReportData(
        assessment=assessment,
        sheet=sheet,
        generated_at=utcnow(),
        gaps=gaps,
        not_applicable=not_applicable,
        unassessed=unassessed,
        bars=section_bars(sheet.result),
        radar=section_radar(sheet.result),
        annex=_annex(sheet),
        record_hash=record_hash,
    )


def _annex(sheet: ScoreSheet) -> list[ClauseState]:
    """Clause by clause of ISO/IEC 17020 and ENFSI-SOC: how the citing requirements stand."""
    matrix = coverage_matrix(sheet.checklist, sheet.assessment.modules)
    clauses = [row for row in matrix if row.source in ACCREDITATION_SOURCES and row.clause is not None]
    clauses.sort(key=lambda row: ACCREDITATION_SOURCES.index(row.source))  # stable: clause order kept
    rows = []
    for row in clauses:
        summary = summarise(sheet.checklist, row.requirements, sheet.answers)
        rows.append(ClauseState(row, summary.score, summary.assessed, summary.applicable, summary.major_gaps))
    return rows


def css_counter_text(template: str) -> str:
    """Turn 'Page {page} of {pages}' into CSS content with page counters."""
    parts = re.split(r"\{(page|pages)\}", template)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"counter({part})")
        elif part:
            out.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(out)


def report_stylesheet(fonts_url: str) -> str:
    """The report's print CSS, with fonts from ``fonts_url`` and translated page numbers."""
    return render_template(
        "reports/report.css",
        fonts_url=fonts_url,
        page_counter=css_counter_text(_("Page {page} of {pages}")),
    )


def render_report_html(data: ReportData, *, stylesheet_url: str | None = None) -> str:
    """The report as HTML: for the browser preview (with a stylesheet link) or for WeasyPrint."""
    return render_template("reports/gap_report.html", r=data, stylesheet_url=stylesheet_url)


@dataclass(frozen=True)
class RenderedReport:
    """A rendered PDF and the hash of the record it embeds."""

    pdf: bytes
    record_hash: str


def render_report_pdf(assessment: Assessment, *, locale: str = "en") -> bytes:
    """The gap report of an assessment as PDF bytes."""
    return render_report(assessment, locale=locale).pdf


def render_report(assessment: Assessment, *, locale: str = "en") -> RenderedReport:
    """Render the gap report of an assessment to PDF, with its record embedded.

    The PDF is PDF/A-3a: archival (what ministries file), tagged (readable by assistive
    technology, with a logical structure) and able to carry the assessment record as an
    associated file, so an issued report holds the data its footer's record hash is of.
    """
    from weasyprint import CSS, HTML, Attachment
    from weasyprint.text.fonts import FontConfiguration

    sheet = score_sheet(assessment)
    package = build_package(assessment, sheet)
    digest = record_hash(package)
    with force_locale(locale):
        token = active_language.set(locale)
        try:
            data = build_report(assessment, sheet, record_hash=digest)
            html = render_report_html(data)
            css_text = report_stylesheet(FONTS_DIR.as_uri())
        finally:
            active_language.reset(token)
    fonts = FontConfiguration()
    stylesheet = CSS(string=css_text, font_config=fonts)
    document = HTML(string=html, base_url=str(FONTS_DIR)).render(stylesheets=[stylesheet], font_config=fonts)
    record = Attachment(
        string=package_bytes(package).decode("utf-8"),
        name=RECORD_NAME,
        description="Assessment record (JSON) this report was built from",
        relationship="Data",
    )
    return RenderedReport(document.write_pdf(pdf_variant=PDF_VARIANT, attachments=[record]), digest)
