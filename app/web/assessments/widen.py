"""Widen a first assessment (essential requirements only) to the full checklist, after confirming."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from app.extensions import db
from app.models import Assessment
from app.services.assessment.access import Action, may_in
from app.services.assessment.assessments import AssessmentLocked, score_sheet
from app.services.assessment.focus import FocusRefused, requirements_added_by_widening, widen_to_full
from app.web.assessments.stage_panel import render_assessment_page
from app.web.assessments.views import bp
from app.web.decisions import on_unit, requires
from app.web.guards import assessment_for


@bp.app_context_processor
def _widen_link():
    def widen_url(assessment: Assessment) -> str | None:
        """Where to widen a first assessment, when it takes the essentials only and the current user may now."""
        if assessment.focus == "essentials" and may_in(current_user, Action.WIDEN, assessment):
            return url_for("assessments.widen", assessment_id=assessment.id)
        return None

    return {"widen_url": widen_url}


@bp.route("/<int:assessment_id>/widen", methods=["GET", "POST"])
@requires(on_unit(Action.WIDEN))
def widen(assessment_id: int):
    """What widening to the full checklist adds; widen on confirming, keeping every answer."""
    assessment = assessment_for(assessment_id, Action.WIDEN)
    sheet = score_sheet(assessment)
    form = FlaskForm()
    error, status = None, 200
    if form.validate_on_submit():
        try:
            added = widen_to_full(sheet, current_user)
        except (FocusRefused, AssessmentLocked) as exc:
            db.session.rollback()
            error, status = str(exc), 409 if isinstance(exc, AssessmentLocked) else 400
        else:
            db.session.commit()
            flash(
                ngettext(
                    "The assessment now takes the full checklist: %(num)s requirement was added, every answer was kept.",
                    "The assessment now takes the full checklist: %(num)s requirements were added, every answer was kept.",
                    len(added),
                ),
                "success",
            )
            return redirect(url_for("assessments.results", assessment_id=assessment.id))
    elif form.is_submitted():
        status = 400
    return render_assessment_page(
        "assessments/widen.html", sheet, added=requirements_added_by_widening(sheet), form=form, error=error
    ), status
