"""The Evidence page: the unit's SOP sections read against the checklist, and the coverage map."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.services.assessment.access import Action, may_in
from app.services.assessment.assessments import AssessmentLocked, ScoreSheet, score_sheet
from app.services.assessment.citing import CiteRefused
from app.services.assessment.evidence_map import (
    cite_on_requirements,
    citing_counts,
    coverage_of,
    read_section,
    register_documents,
)
from app.services.assessment.responses import ResponseConflict
from app.web.assessments.stage_panel import render_assessment_page
from app.web.assessments.views import bp
from app.web.decisions import on_unit, requires
from app.web.guards import assessment_for


def _evidence_page(sheet: ScoreSheet, code: str, number: str, chosen=(), error: str | None = None, status=200):
    documents = register_documents(sheet)
    reading = read_section(sheet, documents, code, number) if code and number else None
    if code and number and reading is None and error is None:
        error = _("%(code)s has no section %(number)s in its current version.", code=code, number=number)
        status = 404
    return render_assessment_page(
        "assessments/evidence.html",
        sheet,
        documents=documents,
        counts=citing_counts(sheet),
        reading=reading,
        coverage=coverage_of(sheet, documents),
        may_cite=may_in(current_user, Action.SCORE, sheet.assessment),
        chosen={c.strip().upper() for c in chosen},
        form=FlaskForm(),
        error=error,
    ), status


@bp.get("/<int:assessment_id>/evidence")
@requires(on_unit(Action.VIEW))
def evidence(assessment_id: int):
    """The unit's SOP sections; a chosen section with the requirements citing it and those it most likely answers."""
    sheet = score_sheet(assessment_for(assessment_id))
    return _evidence_page(sheet, request.args.get("sop", "").strip(), request.args.get("section", "").strip())


@bp.get("/<int:assessment_id>/evidence/map")
@requires(on_unit(Action.VIEW))
def evidence_map(assessment_id: int):
    """The coverage map: which sections answer which requirements, and what neither side covers."""
    sheet = score_sheet(assessment_for(assessment_id))
    documents = register_documents(sheet)
    return render_assessment_page("assessments/evidence_map.html", sheet, coverage=coverage_of(sheet, documents))


@bp.post("/<int:assessment_id>/evidence/cite")
@requires(on_unit(Action.SCORE))
def cite_from_section(assessment_id: int):
    """Cite one section on the requirements ticked, each card with the sentences that matched it."""
    code, number = request.form.get("sop", "").strip(), request.form.get("section", "").strip()
    chosen = request.form.getlist("requirement")
    try:
        assessment = assessment_for(assessment_id, Action.SCORE)
    except HTTPException as exc:
        if exc.code != 409:  # another unit (404) or a role that may not score (403)
            raise
        return _evidence_page(score_sheet(assessment_for(assessment_id)), code, number, chosen, exc.description, 409)
    sheet = score_sheet(assessment)
    try:
        done = cite_on_requirements(sheet, code, number, chosen, current_user)
    except (CiteRefused, AssessmentLocked, ResponseConflict) as exc:
        db.session.rollback()
        status = 400 if isinstance(exc, CiteRefused) else 409
        message = str(exc) or _("Someone saved one of these cards meanwhile; nothing was cited. Try again.")
        return _evidence_page(score_sheet(assessment), code, number, chosen, message, status)
    db.session.commit()
    if done.cited:
        flash(
            _("%(code)s § %(number)s is now cited on: %(ids)s.", code=code, number=number, ids=", ".join(done.cited)),
            "success",
        )
    if done.already:
        flash(_("Cited already, left as it was: %(ids)s.", ids=", ".join(done.already)), "info")
    return redirect(url_for("assessments.evidence", assessment_id=assessment.id, sop=code, section=number))
