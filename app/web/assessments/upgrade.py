"""Upgrade an assessment to a later checklist version: see what carries, then make the new draft."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from app.domain.scoring import Scope
from app.extensions import db
from app.services.assessment.access import Action
from app.services.assessment.assessments import score_sheet
from app.services.assessment.upgrades import (
    UpgradeRefused,
    later_versions,
    plan_upgrade,
    successors,
    upgrade_assessment,
)
from app.services.labels import SCOPE
from app.web.assessments.stage_panel import render_assessment_page
from app.web.assessments.views import bp
from app.web.decisions import on_unit, requires
from app.web.guards import assessment_for


class UpgradeForm(FlaskForm):
    """Which scope the new draft has: the earlier assessment's unless chosen otherwise (the page preselects it)."""

    scope = RadioField(
        _l("Scope of the new draft"), choices=[SelectChoice(s.value, SCOPE[s]) for s in Scope], validators=[Optional()]
    )


@bp.route("/<int:assessment_id>/upgrade", methods=["GET", "POST"])
@requires(on_unit(Action.CREATE))
def upgrade(assessment_id: int):
    """What a later version would carry over, and a button to start the new draft with it."""
    assessment = assessment_for(assessment_id, Action.CREATE)
    versions = later_versions(assessment)
    if not versions:
        done = successors(assessment)
        if done:
            flash(_("This assessment was upgraded already: the new draft is below."), "info")
            return redirect(url_for("assessments.results", assessment_id=done[0].id))
        flash(_("No later version of this checklist is loaded."), "info")
        return redirect(url_for("assessments.results", assessment_id=assessment.id))
    wanted = request.values.get("to") or versions[0].version
    version = next((v for v in versions if v.version == wanted), None)
    if version is None:
        abort(404)
    try:
        plan = plan_upgrade(assessment, version)
    except UpgradeRefused as exc:  # pragma: no cover - later_versions offers only later ones
        abort(409, description=str(exc))
    form = UpgradeForm()
    if request.method == "GET":
        form.scope.data = assessment.scope
    if form.validate_on_submit():
        try:
            new, plan = upgrade_assessment(
                assessment, version, current_user._get_current_object(), scope=form.scope.data or None
            )
        except UpgradeRefused as exc:  # someone else upgraded it a moment ago
            flash(str(exc), "error")
            return redirect(url_for("assessments.results", assessment_id=assessment_id))
        db.session.commit()
        message = _("New draft on version %(version)s: %(summary)s.", version=version.version, summary=plan.summary)
        if plan.to_recheck:
            message += " " + ngettext(
                "The %(num)s card shown here changed (reworded, split, merged or now decided from records or "
                "practice): check it against its earlier wording, then confirm it (Still holds) or change it.",
                "The %(num)s cards shown here changed (reworded, split, merged or now decided from records or "
                "practice), most changed first: check each against its earlier wording, then confirm it (Still holds) "
                "or change it.",
                len(plan.to_recheck),
            )
        if plan.to_tick:
            message += " " + ngettext(
                "%(num)s carried score comes without ticks: tick its elements (filter 'Elements to tick after an "
                "upgrade').",
                "%(num)s carried scores come without ticks: tick their elements (filter 'Elements to tick after an "
                "upgrade').",
                len(plan.to_tick),
            )
        flash(message, "success")
        target = {"filter": "recheck"} if plan.to_recheck else ({"filter": "to_tick"} if plan.to_tick else {})
        return redirect(url_for("assessments.score", assessment_id=new.id, **target))
    sheet = score_sheet(assessment)
    page = render_assessment_page(
        "assessments/upgrade.html",
        sheet,
        versions=versions,
        version=version,
        plan=plan,
        form=form,
    )
    return page, 400 if form.errors else 200
