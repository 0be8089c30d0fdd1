"""Responses as a spreadsheet: CSV and XLSX, with notes, evidence, recommendations and actions."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask_babel import gettext as _

from app.domain.limits import CONTROL
from app.domain.scoring import BASIS_NOT_RECORDED
from app.models import Assessment
from app.services.accounts.audit import record
from app.services.assessment.assessments import ScoreSheet, score_sheet
from app.services.labels import BASIS, CONSEQUENCE, CRITICALITY, FINDING, PRIORITY_BAND, STANCE, STATE, priority_band


def record_export(assessment: Assessment, summary: str) -> None:
    """Put an export of the assessment (a spreadsheet or a package) on the audit trail."""
    record(
        "assessment.exported", object_type="assessment", object_id=assessment.id, assessment=assessment, summary=summary
    )


# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _columns() -> list[tuple[str, str]]:
    return [
        ("section", _("Section")),
        ("requirement", _("Requirement")),
        ("title", _("Title")),
        ("criticality", _("Criticality")),
        ("consequence", _("Consequence at risk")),
        ("state", _("State")),
        ("score", _("Score")),
        ("level", _("Level")),
        ("basis", _("Score rests on")),
        ("not_applicable", _("Not applicable")),
        ("na_justification", _("N/A justification")),
        ("citations", _("Documents cited")),
        ("note", _("Assessor's note and evidence")),
        ("checklist_recommendation", _("Checklist recommendation for the level")),
        ("recommendation", _("Assessor's recommendation")),
        ("self_score", _("Unit's own score")),
        ("self_elements", _("Elements the unit found met")),
        ("self_level_reason", _("Unit: why another level than the elements give")),
        ("expert_score", _("Expert's score")),
        ("expert_elements", _("Elements the expert found met")),
        ("expert_level_reason", _("Expert: why another level than the elements give")),
        ("stance", _("Expert's stance")),
        ("comment", _("Expert's comment")),
        ("finding", _("Finding")),
        ("agreed_score", _("Agreed score")),
        ("reply", _("Unit's answer")),
        ("dissent", _("Dissent")),
        ("action", _("Action")),
        ("action_owner", _("Action owner")),
        ("action_due", _("Action due")),
        ("no_action_reason", _("Left without an action because")),
        ("priority", _("Priority")),
        ("major_gap", _("Major gap")),
        ("updated_by", _("Last changed by")),
        ("updated_at", _("Last changed")),
    ]


def _elements_cell(ticks: list[int] | None, count: int) -> str:
    """The elements ticked, numbered from 1, of how many ("1, 3 of 5"); empty when not ticked."""
    if ticks is None or not count:
        return ""
    return _("%(ticked)s of %(count)s", ticked=", ".join(str(i + 1) for i in ticks) or "0", count=count)


def _score_cell(value: int | None, na: bool, ne: bool) -> Any:
    if na:
        return _("N/A")
    if ne:
        return _("not evidenced")
    return value


def response_rows(assessment: Assessment, sheet: ScoreSheet | None = None) -> list[dict[str, Any]]:
    """One row per requirement of the assessment, in checklist order: what counts, then each layer."""
    sheet = sheet or score_sheet(assessment)
    checklist = sheet.checklist
    gaps = {g.requirement.id: g for g in sheet.result.gaps}
    rows = []
    for req in checklist.requirements(assessment.modules, assessment.focus):
        r = sheet.responses[req.id]
        answer = sheet.answers[req.id]
        state = sheet.result.states[req.id]
        level = checklist.level(answer.value) if answer.value is not None else None
        gap = gaps.get(req.id)
        recommendation = req.recommendation_for(gap.value) if gap else None
        review = r.review
        action = sheet.action_of.get(r.id)
        rows.append(
            {
                "section": str(checklist.section(req.section_id).title),
                "requirement": req.id,
                "title": str(req.title),
                "criticality": str(CRITICALITY[req.criticality]),
                "consequence": str(CONSEQUENCE[req.consequence]),
                "state": str(STATE[state]),
                "score": answer.value,
                "level": str(level.label) if level else "",
                "basis": str(BASIS[r.basis or BASIS_NOT_RECORDED]) if answer.value is not None else "",
                "not_applicable": _("yes") if answer.not_applicable else "",
                "na_justification": r.na_justification,
                "citations": "; ".join(
                    f"{c.code} v{c.doc_version}"
                    + (f", § {c.section}" if c.section else "")
                    + (f": “{c.quote}”" if c.quote else "")
                    for c in r.citations
                ),
                "note": r.evidence_note,
                "checklist_recommendation": str(recommendation) if recommendation else "",
                "recommendation": r.recommendation,
                "self_score": _score_cell(r.value, r.not_applicable, r.not_evidenced),
                "expert_score": _score_cell(review.value, review.not_applicable, review.not_evidenced)
                if review
                else None,
                "self_elements": _elements_cell(r.ticks, len(req.elements)),
                "self_level_reason": r.level_reason,
                "expert_elements": _elements_cell(review.ticks, len(req.elements)) if review else "",
                "expert_level_reason": review.level_reason if review else "",
                "stance": str(STANCE[review.stance]) if review and review.stance else "",
                "comment": review.comment if review else "",
                "finding": str(FINDING[review.finding]) if review and review.finding else "",
                "agreed_score": _score_cell(
                    review.agreed_value, review.agreed_not_applicable, review.agreed_not_evidenced
                )
                if review and review.agreed
                else None,
                "reply": r.reply,
                "dissent": r.dissent,
                "action": action.title if action else "",
                "action_owner": action.owner if action else "",
                "action_due": action.due_on if action else None,
                "no_action_reason": r.no_action_reason,
                "priority": str(PRIORITY_BAND[priority_band(gap.priority)]) if gap else "",
                "major_gap": _("yes") if gap and gap.major else "",
                "updated_by": r.updated_by.name if r.updated_by else "",
                "updated_at": r.updated_at,
            }
        )
    return rows


def _safe_cell(value: Any) -> Any:
    """Defuse text a spreadsheet would run as a formula or cannot hold; keep numbers and dates."""
    if isinstance(value, str):
        # Control characters (none can be entered now, but older or imported data may hold
        # them) would make the workbook unwritable: show them as the replacement character.
        value = CONTROL.sub("\ufffd", value)
        if value.startswith(_FORMULA_START):
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
    widths = {
        "section": 28,
        "title": 40,
        "note": 60,
        "checklist_recommendation": 60,
        "recommendation": 50,
        "na_justification": 40,
        "citations": 30,
        "comment": 50,
        "reply": 40,
        "dissent": 40,
        "action": 40,
        "no_action_reason": 40,
    }
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
            _("Evidence coverage"),
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
                # Too little evidence for a score says so, never an empty cell a reader takes for 0 or forgets.
                s.shown_score if s.sufficient else _("not assessed"),
                s.coverage,
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
