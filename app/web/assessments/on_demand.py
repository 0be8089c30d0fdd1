"""What a card opens on demand: what each level looks like, and the guidance, evidence and references.

The cards page carries each as a closed ``<details>`` holding only its summary and a link here;
the page's script (app/static/js/on_demand.js) fetches the fragment the first time a person
opens it, sending ``X-Fragment``. Asked without that header (no JavaScript, or the link opened
in a tab of its own), the same text comes as a small page of its own. Either way the access
decision is the cards page's: viewing the assessment.
"""

from __future__ import annotations

from flask import abort, make_response, render_template, request
from flask_babel import lazy_gettext as _l

from app.domain.checklist import Checklist, Requirement
from app.services.assessment.access import Action
from app.services.assessment.assessments import score_sheet
from app.services.content.checklists import checklist_of
from app.web.assessments.stage_panel import render_assessment_page
from app.web.assessments.views import bp
from app.web.compact import compact_html
from app.web.decisions import on_unit, requires
from app.web.guards import assessment_for

#: The header the page's script sends for the fragment alone.
FRAGMENT_HEADER = "X-Fragment"

#: Each part a card opens on demand, with the summary that opens it (as on the card).
PARTS = {
    "anchors": _l("What each level looks like"),
    "guidance": _l("Guidance, evidence and references"),
}


@bp.get("/<int:assessment_id>/anchors/<requirement_id>")
@requires(on_unit(Action.VIEW))
def anchors(assessment_id: int, requirement_id: str):
    """What each level of the scale looks like for one requirement."""
    return _part(assessment_id, requirement_id, "anchors")


@bp.get("/<int:assessment_id>/guidance/<requirement_id>")
@requires(on_unit(Action.VIEW))
def guidance(assessment_id: int, requirement_id: str):
    """One requirement's guidance, where national law decides, typical evidence and references."""
    return _part(assessment_id, requirement_id, "guidance")


def _part(assessment_id: int, requirement_id: str, part: str):
    assessment = assessment_for(assessment_id)
    if request.headers.get(FRAGMENT_HEADER):  # the checklist's text alone: no score sheet needed
        checklist = checklist_of(assessment.checklist_version)
        req = _in_scope(checklist, assessment, requirement_id)
        html = render_template(f"assessments/_{part}.html", req=req, cl=checklist)
    else:
        sheet = score_sheet(assessment)
        req = _in_scope(sheet.checklist, assessment, requirement_id)
        html = render_assessment_page(
            "assessments/on_demand.html", sheet, req=req, cl=sheet.checklist, part=part, heading=PARTS[part]
        )
    response = make_response(compact_html(html))
    response.vary.add(FRAGMENT_HEADER)
    return response


def _in_scope(checklist: Checklist, assessment, requirement_id: str) -> Requirement:
    """The requirement, if the assessment covers it (its core and chosen modules); else 404."""
    for section in checklist.sections_for(assessment.modules, assessment.focus):
        for req in section.requirements:
            if req.id == requirement_id:
                return req
    abort(404)
