"""Change a draft's scope (desk or on site), after seeing which requirements it moves."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from app.domain.scoring import Scope
from app.extensions import db
from app.models import Assessment
from app.services.assessment.access import Action, may_in
from app.services.assessment.assessments import AssessmentLocked, score_sheet
from app.services.assessment.scope import ScopeRefused, change_scope, plan_scope_change
from app.services.labels import SCOPE
from app.web.assessments.stage_panel import render_assessment_page
from app.web.assessments.views import bp
from app.web.decisions import on_unit, requires
from app.web.guards import assessment_for


@bp.app_context_processor
def _scope_link():
    def scope_change_url(assessment: Assessment) -> str | None:
        """Where to change the assessment's scope, when the current user may now."""
        if may_in(current_user, Action.SET_SCOPE, assessment):
            return url_for("assessments.scope", assessment_id=assessment.id)
        return None

    return {"scope_change_url": scope_change_url}


def _other(scope: str) -> str:
    return Scope.ONSITE.value if scope == Scope.DESK else Scope.DESK.value


@bp.route("/<int:assessment_id>/scope", methods=["GET", "POST"])
@requires(on_unit(Action.SET_SCOPE))
def scope(assessment_id: int):
    """What a desk review or an on-site assessment would count as to verify on site; change it on confirming."""
    assessment = assessment_for(assessment_id, Action.SET_SCOPE)
    sheet = score_sheet(assessment)
    form = FlaskForm()
    wanted = request.form.get("scope") if request.method == "POST" else _other(assessment.scope)
    error, status = None, 200
    if form.validate_on_submit():
        try:
            change = change_scope(sheet, wanted or "", current_user)
        except (ScopeRefused, AssessmentLocked) as exc:
            db.session.rollback()
            error, status = str(exc), 409 if isinstance(exc, AssessmentLocked) else 400
        else:
            db.session.commit()
            message = _("The scope is now: %(scope)s.", scope=SCOPE[change.after])
            if change.become_to_verify:
                message += " " + ngettext(
                    "%(num)s requirement now counts as to verify on site.",
                    "%(num)s requirements now count as to verify on site.",
                    len(change.become_to_verify),
                )
            if change.leave_to_verify:
                message += " " + ngettext(
                    "%(num)s requirement no longer counts as to verify on site: score it.",
                    "%(num)s requirements no longer count as to verify on site: score them.",
                    len(change.leave_to_verify),
                )
            flash(message, "success")
            return redirect(url_for("assessments.results", assessment_id=assessment.id))
    elif request.method == "POST":
        status = 400
    if wanted not in tuple(Scope):
        wanted = _other(assessment.scope)
    return render_assessment_page(
        "assessments/scope.html", sheet, change=plan_scope_change(sheet, wanted), form=form, error=error
    ), status
