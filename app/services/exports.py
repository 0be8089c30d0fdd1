"""Responses as a spreadsheet: CSV and XLSX, with notes, evidence, recommendations and actions."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask_babel import gettext as _

from app.domain.scoring import is_major_gap, requirement_score
from app.models import Assessment
from app.services.assessments import ScoreSheet, score_sheet
from app.services.labels import CONSEQUENCE, CRITICALITY, PRIORITY_BAND, priority_band

# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _columns() -> list[tuple[str, str]]:
    return [
        ("section", _("Section")),
        ("requirement", _("Requirement")),
        ("title", _("Title")),
        ("criticality", _("Criticality")),
        ("consequence", _("Consequence at risk")),
        ("score", _("Score")),
        ("level", _("Level")),
        ("not_applicable", _("Not applicable")),
        ("na_justification", _("N/A justification")),
        ("sop", _("SOP")),
        ("sop_section", _("SOP section")),
        ("note", _("Assessor's note and evidence")),
        ("checklist_recommendation", _("Checklist recommendation for the level")),
        ("recommendation", _("Assessor's recommendation")),
        ("action_owner", _("Action owner")),
        ("action_due", _("Action due")),
        ("priority", _("Priority")),
        ("major_gap", _("Major gap")),
        ("updated_by", _("Last changed by")),
        ("updated_at", _("Last changed")),
    ]


def response_rows(assessment: Assessment, sheet: ScoreSheet | None = None) -> list[dict[str, Any]]:
    """One row per requirement of the assessment, in checklist order."""
    sheet = sheet or score_sheet(assessment)
    checklist = sheet.checklist
    top = checklist.max_value
    rows = []
    for req in checklist.requirements(assessment.modules):
        r = sheet.responses[req.id]
        level = checklist.level(r.value) if r.value is not None else None
        gap = r.value is not None and r.value < top
        priority = checklist.weight(req) * (1 - requirement_score(r.value, top)) if gap else None
        recommendation = req.recommendation_for(r.value) if gap else None
        rows.append(
            {
                "section": req.section_id,
                "requirement": req.id,
                "title": str(req.title),
                "criticality": str(CRITICALITY[req.criticality]),
                "consequence": str(CONSEQUENCE[req.consequence]),
                "score": r.value,
                "level": str(level.label) if level else "",
                "not_applicable": _("yes") if r.not_applicable else "",
                "na_justification": r.na_justification,
                "sop": r.sop.label if r.sop else "",
                "sop_section": r.sop_section,
                "note": r.evidence_note,
                "checklist_recommendation": str(recommendation) if recommendation else "",
                "recommendation": r.recommendation,
                "action_owner": r.action_owner,
                "action_due": r.action_due,
                "priority": str(PRIORITY_BAND[priority_band(priority)]) if priority is not None else "",
                "major_gap": _("yes") if gap and is_major_gap(req, r.value) else "",
                "updated_by": r.updated_by.name if r.updated_by else "",
                "updated_at": r.updated_at,
            }
        )
    return rows


def _safe_cell(value: Any) -> Any:
    """Defuse text a spreadsheet would run as a formula; keep numbers and dates as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def responses_csv(assessment: Assessment) -> bytes:
    """The responses as CSV, UTF-8 with a byte-order mark so spreadsheets read Cyrillic right."""
    columns = _columns()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([label for _key, label in columns])
    for row in response_rows(assessment):
        writer.writerow(["" if row[key] is None else _safe_cell(row[key]) for key, _label in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def responses_xlsx(assessment: Assessment) -> bytes:
    """The responses as an Excel workbook: a responses sheet and a sections sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = score_sheet(assessment)
    columns = _columns()
    widths = {"title": 40, "note": 60, "checklist_recommendation": 60, "recommendation": 50, "na_justification": 40}
    book = Workbook()
    ws = book.active
    ws.title = _("Responses")[:31]
    ws.append([label for _key, label in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F4F7")
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in response_rows(assessment, sheet):
        ws.append([_safe_cell(row[key]) for key, _label in columns])
    for index, (key, _label) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = widths.get(key, 14)
        if key in widths:
            for cell in ws.iter_cols(min_col=index, max_col=index, min_row=2):
                for c in cell:
                    c.alignment = wrap
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = ws.dimensions

    summary = book.create_sheet(_("Sections")[:31])
    summary.append(
        [
            _("Section"),
            _("Title"),
            _("Requirements"),
            _("Assessed"),
            _("Not applicable"),
            _("Score"),
            _("Completeness"),
            _("Major gaps"),
        ]
    )
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for result in sheet.result.sections:
        s = result.summary
        summary.append(
            [
                result.section.id,
                str(result.section.title),
                s.total,
                s.assessed,
                s.not_applicable,
                s.score,
                s.completeness,
                s.major_gaps,
            ]
        )
    for row in summary.iter_rows(min_row=2, min_col=6, max_col=7):
        for cell in row:
            cell.number_format = "0%"
    summary.column_dimensions["B"].width = 45
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
