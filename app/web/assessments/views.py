"""Assessment pages: new, results, scoring, saving a response, finalising."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.extensions import db
from app.models import ChecklistVersion, Sop, Unit
from app.models.base import utcnow
from app.services.access import Action, may, visible_units_clause
from app.services.assessments import (
    AssessmentError,
    AssessmentLocked,
    InvalidResponse,
    ResponseConflict,
    create_assessment,
    finalise_assessment,
    save_response,
    score_sheet,
)
from app.services.charts import section_bars
from app.services.checklists import checklist_of, latest_versions
from app.services.formatting import datetime
from app.services.issuing import issued_reports, reopen_assessment
from app.web.assessments.forms import NewAssessmentForm, response_form
from app.web.assessments.scoring_page import FILTERS, ScoringPage, response_json
from app.web.guards import assessment_for

bp = Blueprint("assessments", __name__, url_prefix="/assessments")


def _creatable_units() -> list[Unit]:
    units = db.session.scalars(select(Unit).where(visible_units_clause(current_user, Unit.id)).order_by(Unit.code))
    return [u for u in units if may(current_user, Action.CREATE, u.id)]


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Start an assessment of a unit against a checklist version."""
    units = _creatable_units()
    if not units:
        abort(403)
    versions = latest_versions()
    form = NewAssessmentForm()
    form.unit.choices = [SelectChoice(u.id, f"{u.code} — {u.name}") for u in units]
    form.checklist.choices = [SelectChoice(v.id, f"{v.title} ({v.version})") for v in versions]
    modules = {m.id: m for v in versions for m in checklist_of(v).modules}
    form.modules.choices = [SelectChoice(m.id, str(m.title)) for m in modules.values()]
    if request.method == "GET":
        wanted = request.args.get("unit")
        form.unit.data = next((u.id for u in units if u.code == wanted), units[0].id)
        form.modules.data = list(modules)
        form.assessed_on.data = utcnow().date()
    if not versions:
        flash(_("No checklist is loaded yet. Ask an administrator to run 'flask checklists load'."), "error")
    elif form.validate_on_submit():
        unit = next(u for u in units if u.id == form.unit.data)
        version = db.get_or_404(ChecklistVersion, form.checklist.data)
        chosen = [m for m in form.modules.data or [] if m in {x.id for x in checklist_of(version).modules}]
        try:
            assessment = create_assessment(
                unit=unit,
                version=version,
                title=form.title.data,
                modules=chosen,
                kind=form.kind.data,
                assessors=form.assessors.data or "",
                assessed_on=form.assessed_on.data,
                user=current_user,
            )
        except AssessmentError as exc:
            form.title.errors.append(str(exc))
        else:
            flash(_("Assessment started. Score the requirements section by section."), "success")
            return redirect(url_for("assessments.score", assessment_id=assessment.id))
    status = 400 if form.errors else 200
    return render_template("assessments/new.html", form=form), status


@bp.get("/<int:assessment_id>")
def results(assessment_id: int):
    """Section scores, a chart and the ranked gaps."""
    assessment = assessment_for(assessment_id)
    sheet = score_sheet(assessment)
    unit_id = assessment.unit_id
    issued = issued_reports(assessment)
    current = next((r for r in issued if r.revision == assessment.revision), None)
    return render_template(
        "assessments/results.html",
        sheet=sheet,
        bar_chart=section_bars(sheet.result),
        assessment=assessment,
        issued=issued,
        current_issue=current,
        can_finalise=may(current_user, Action.FINALISE, unit_id) and not assessment.is_locked,
        can_issue=may(current_user, Action.ISSUE, unit_id) and assessment.is_locked and current is None,
        can_reopen=may(current_user, Action.REOPEN, unit_id) and assessment.is_locked,
        can_export=may(current_user, Action.EXPORT, unit_id),
    )


def _load(assessment_id: int, action: Action = Action.VIEW):
    assessment = assessment_for(assessment_id, action)
    sheet = score_sheet(assessment)
    sops = db.session.scalars(select(Sop).where(Sop.unit_id == assessment.unit_id).order_by(Sop.code)).all()
    return assessment, sheet, sops


def _page(sheet, sops, section_id: str | None, filter_name: str) -> ScoringPage:
    assessment = sheet.assessment
    return ScoringPage.build(
        sheet,
        sops,
        section_id=section_id,
        filter_name=filter_name,
        editable=may(current_user, Action.SCORE, assessment.unit_id) and not assessment.is_locked,
    )


@bp.get("/<int:assessment_id>/score")
def score(assessment_id: int):
    """Score requirements one after another, section by section or by filter."""
    _, sheet, sops = _load(assessment_id)
    page = _page(sheet, sops, request.args.get("section"), request.args.get("filter", "all"))
    if page.section_id is not None and page.section is None:
        abort(404)
    return render_template("assessments/score.html", page=page, filters=FILTERS)


def _safe_local(target: str | None) -> str | None:
    return target if target and target.startswith("/") and not target.startswith("//") else None


@bp.post("/<int:assessment_id>/responses/<requirement_id>")
def save(assessment_id: int, requirement_id: str):
    """Save one requirement's response: JSON for autosave, a redirect for the plain form."""
    assessment, sheet, sops = _load(assessment_id, Action.SCORE)
    if requirement_id not in sheet.responses:
        abort(404)
    wants_json = request.accept_mimetypes.best == "application/json"
    form = response_form(requirement_id, formdata=request.form)
    form.set_choices(sheet.checklist, sops)
    status, message = 422, None
    if form.validate() and form.score_is_valid(sheet.checklist):
        try:
            response = save_response(
                sheet, requirement_id, form.to_input(), expected_version=form.version.data, user=current_user
            )
        except AssessmentLocked as exc:
            status, message = 409, str(exc)
        except InvalidResponse as exc:
            for name, text in exc.errors.items():
                field = getattr(form, "score" if name == "value" else name, form.score)
                field.errors = [*field.errors, text]
        except ResponseConflict as exc:
            status, message = 409, _conflict_message(exc)
            form.version.data = exc.current.version
            form.version.raw_data = [str(exc.current.version)]
        else:
            if wants_json:
                return response_json(sheet, requirement_id, response)
            flash(_("%(id)s saved.", id=requirement_id), "success")
            section_id = sheet.checklist.requirement(requirement_id).section_id
            fallback = url_for("assessments.score", assessment_id=assessment.id, section=section_id)
            return redirect(_safe_local(form.next.data) or fallback)
    if wants_json:
        errors = {name: list(field.errors) for name, field in form._fields.items() if field.errors}
        body = {"ok": False, "message": message or _("Not saved: check the highlighted fields."), "errors": errors}
        body["version"] = sheet.responses[requirement_id].version
        return body, status
    section_id = sheet.checklist.requirement(requirement_id).section_id
    page = _page(sheet, sops, section_id, "all")
    page.replace_form(requirement_id, form, message or _("Not saved: check the highlighted fields."))
    return render_template("assessments/score.html", page=page, filters=FILTERS), status


def _conflict_message(exc: ResponseConflict) -> str:
    current = exc.current
    return _(
        "%(who)s saved this requirement at %(when)s while you were editing it. Your input is kept below; "
        "compare it with theirs and save again to keep yours.",
        who=current.updated_by.name if current.updated_by else _("Someone"),
        when=datetime(current.updated_at),
    )


@bp.post("/<int:assessment_id>/reopen")
def reopen(assessment_id: int):
    """Unlock a finalised assessment as a new revision; issued reports stay as they are."""
    assessment = assessment_for(assessment_id, Action.REOPEN)
    try:
        reopen_assessment(assessment, current_user)
    except AssessmentLocked as exc:
        flash(str(exc), "error")
    else:
        flash(
            _(
                "Reopened as revision %(rev)s. Earlier issued reports stay available and unchanged.",
                rev=assessment.revision,
            ),
            "success",
        )
    return redirect(url_for("assessments.results", assessment_id=assessment.id))


@bp.post("/<int:assessment_id>/finalise")
def finalise(assessment_id: int):
    """Lock the assessment."""
    assessment = assessment_for(assessment_id, Action.FINALISE)
    try:
        finalise_assessment(assessment, current_user)
    except AssessmentLocked as exc:
        flash(str(exc), "error")
    else:
        flash(_("Assessment finalised. Its responses are locked."), "success")
    return redirect(url_for("assessments.results", assessment_id=assessment.id))
