"""The action plan pages: ranked actions, suggestions from the checklist, merge, split, assign."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.domain.checklist import COST_BANDS, EFFORT_BANDS
from app.extensions import db
from app.models import ACTION_STATUSES
from app.services.assessment.access import Action, may_in
from app.services.assessment.assessments import AssessmentLocked, ScoreSheet, score_sheet
from app.services.assessment.busy import committed
from app.services.assessment.left_open import leave_open, left_open, take_back
from app.services.assessment.plans import (
    ActionInput,
    PlanError,
    assign_actions,
    delete_action,
    merge_actions,
    plan_of,
    split_action,
    suggest_actions,
    update_action,
)
from app.services.assessment.readiness import readiness_of
from app.services.assessment.responses import InvalidResponse, ResponseConflict
from app.services.labels import ACTION_STATUS, COST, EFFORT
from app.web.assessments.plan_json import save_action_json
from app.web.assessments.stage_panel import render_assessment_page
from app.web.assessments.views import bp
from app.web.decisions import on_unit, requires
from app.web.guards import assessment_for
from app.web.refusals import Refusal, refusal, wants_json
from app.web.validators import sensible_date


def _choices(values, labels, blank=None):
    return ([SelectChoice("", blank)] if blank is not None else []) + [SelectChoice(v, labels[v]) for v in values]


class ActionForm(FlaskForm):
    """One action's details."""

    title = StringField(_l("Action"), validators=[DataRequired(), Length(max=300)])
    owner = StringField(_l("Owner"), validators=[Optional(), Length(max=200)])
    due_on = DateField(_l("Due date"), validators=[Optional(), sensible_date])
    effort = SelectField(_l("Effort"), validate_choice=False)
    cost = SelectField(_l("Cost"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=8000)])
    version = IntegerField(validators=[Optional()])

    def set_choices(self) -> None:
        self.effort.choices = _choices(EFFORT_BANDS, EFFORT, "—")
        self.cost.choices = _choices(COST_BANDS, COST, "—")
        self.status.choices = _choices(ACTION_STATUSES, ACTION_STATUS)

    def to_input(self) -> ActionInput:
        return ActionInput(
            title=self.title.data,
            owner=self.owner.data or "",
            due_on=self.due_on.data,
            clear_due=self.due_on.data is None,
            effort=self.effort.data or "",
            cost=self.cost.data or "",
            status=self.status.data,
            notes=self.notes.data or "",
        )


class BulkForm(FlaskForm):
    """Merge or assign several actions at once."""

    title = StringField(_l("Title of the merged action"), validators=[Optional(), Length(max=300)])
    owner = StringField(_l("Owner"), validators=[Optional(), Length(max=200)])
    due_on = DateField(_l("Due date"), validators=[Optional(), sensible_date])
    status = SelectField(_l("Status"), validate_choice=False)


def _ids(name: str) -> list[int]:
    values = request.form.getlist(name)
    if not all(v.isdigit() and len(v) < 10 for v in values):
        abort(400, description=_("The chosen items were not understood; reload the page and try again."))
    return [int(v) for v in values]


def _back(sheet: ScoreSheet, anchor: str | None = None):
    return redirect(url_for("assessments.plan", assessment_id=sheet.assessment.id, _anchor=anchor))


@bp.get("/<int:assessment_id>/plan")
@requires(on_unit(Action.VIEW))
def plan(assessment_id: int):
    """The ranked actions, each with the gaps it closes, and the gaps no action closes yet."""
    assessment = assessment_for(assessment_id)
    sheet = score_sheet(assessment)
    return _plan_page(sheet)


def _plan_page(sheet: ScoreSheet, **context) -> str:
    """The plan page; ``context`` may add a refused gap form to show again (``gap_error``)."""
    bulk = BulkForm(formdata=None)
    bulk.status.choices = _choices(ACTION_STATUSES, ACTION_STATUS, "—")
    return render_assessment_page(
        "assessments/plan.html",
        sheet,
        plan=plan_of(sheet),
        bulk=bulk,
        editable=may_in(current_user, Action.PLAN, sheet.assessment),
        ready=readiness_of(sheet),
        left_open=left_open(sheet),
        **context,
    )


@bp.post("/<int:assessment_id>/plan/suggest")
@requires(on_unit(Action.PLAN))
def suggest(assessment_id: int):
    """Group the gaps no action closes into actions, one per checklist remedy."""
    sheet = score_sheet(assessment_for(assessment_id, Action.PLAN))
    touched = suggest_actions(sheet, current_user)
    db.session.commit()
    if touched:
        flash(
            ngettext(
                "%(num)s action suggested or extended from the checklist's remedies.",
                "%(num)s actions suggested or extended from the checklist's remedies.",
                len(touched),
            ),
            "success",
        )
    else:
        flash(_("Every gap is already closed by an action."), "info")
    return _back(sheet)


@bp.post("/<int:assessment_id>/plan/bulk")
@requires(on_unit(Action.PLAN))
def bulk(assessment_id: int):
    """Merge the chosen actions into one, or give them the same owner, due date or status."""
    sheet = score_sheet(assessment_for(assessment_id, Action.PLAN))
    form = BulkForm()
    form.status.choices = _choices(ACTION_STATUSES, ACTION_STATUS, "—")
    ids = _ids("ids")
    operation = request.form.get("op")
    if not form.validate():
        if wants_json():
            return refusal(
                422, Refusal.INVALID, _("Nothing was changed: check the highlighted fields."), errors=form.errors
            )
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return _back(sheet)
    try:
        if operation == "merge":
            kept = merge_actions(sheet, ids, current_user, title=form.title.data or "")
            message = _("Merged into one action: %(title)s.", title=kept.title)
        elif operation == "assign":
            data = ActionInput(owner=form.owner.data or None, due_on=form.due_on.data, status=form.status.data or None)
            if data.owner is None and data.due_on is None and data.status is None:
                raise PlanError(_("Give an owner, a due date or a status to set on the chosen actions."))
            count = assign_actions(sheet, ids, data, current_user)
            message = ngettext("%(num)s action updated.", "%(num)s actions updated.", count)
        else:
            abort(400)
    except (PlanError, InvalidResponse) as exc:
        db.session.rollback()
        if wants_json():
            errors = exc.errors if isinstance(exc, InvalidResponse) else {}
            return refusal(422, Refusal.INVALID, str(exc), errors=errors)
        flash(str(exc), "error")
        return _back(sheet)
    db.session.commit()
    flash(message, "success")
    if wants_json():  # the page follows to the plan, which shows the message
        return {
            "ok": True,
            "message": message,
            "redirect": url_for("assessments.plan", assessment_id=sheet.assessment.id),
        }
    return _back(sheet)


def _action_of(sheet: ScoreSheet, action_id: int):
    action = next((a for a in sheet.actions if a.id == action_id), None)
    if action is None:
        abort(404)
    return action


@bp.route("/<int:assessment_id>/plan/<int:action_id>", methods=["GET", "POST"])
@requires(on_unit(Action.VIEW), POST=on_unit(Action.PLAN))
def edit_action(assessment_id: int, action_id: int):
    """One action: its details, and the gaps it closes (some of which can be split off)."""
    assessment = assessment_for(assessment_id, Action.PLAN if request.method == "POST" else Action.VIEW)
    sheet = score_sheet(assessment)
    action = _action_of(sheet, action_id)
    form = ActionForm(obj=action) if request.method == "GET" else ActionForm()
    form.set_choices()
    if request.method == "GET":
        form.effort.data, form.cost.data = action.effort or "", action.cost or ""
    status = 200
    if request.method == "POST" and wants_json():
        return save_action_json(sheet, action, form)
    if request.method == "POST":
        status = 400
        if form.validate():
            try:
                update_action(sheet, action.id, form.to_input(), expected_version=form.version.data, user=current_user)
            except InvalidResponse as exc:
                db.session.rollback()
                flash(str(exc), "error")
            except ResponseConflict as exc:
                db.session.rollback()
                status = 409
                flash(_("%(msg)s. Reload the page to see their changes.", msg=str(exc)), "error")
            else:
                db.session.commit()
                flash(_("Action saved."), "success")
                return _back(sheet, f"action-{action.id}")
    plan_items = {item.action.id: item for item in plan_of(sheet).items}
    return render_assessment_page(
        "assessments/action.html",
        sheet,
        action=action,
        item=plan_items.get(action.id),
        form=form,
        editable=may_in(current_user, Action.PLAN, assessment),
    ), status


@bp.post("/<int:assessment_id>/plan/<int:action_id>/split")
@requires(on_unit(Action.PLAN))
def split(assessment_id: int, action_id: int):
    """Move the chosen gaps of an action into a new action."""
    sheet = score_sheet(assessment_for(assessment_id, Action.PLAN))
    action = _action_of(sheet, action_id)
    try:
        part = split_action(sheet, action.id, _ids("gaps"), current_user)
    except PlanError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("assessments.edit_action", assessment_id=assessment_id, action_id=action.id))
    db.session.commit()
    flash(_("Split off as a new action; give it its own owner and date."), "success")
    return redirect(url_for("assessments.edit_action", assessment_id=assessment_id, action_id=part.id))


@bp.post("/<int:assessment_id>/plan/<int:action_id>/delete")
@requires(on_unit(Action.PLAN))
def remove_action(assessment_id: int, action_id: int):
    """Delete an action; its gaps return to the unplanned list."""
    sheet = score_sheet(assessment_for(assessment_id, Action.PLAN))
    delete_action(sheet, _action_of(sheet, action_id).id, current_user)
    db.session.commit()
    flash(_("Action deleted; its gaps are listed as not yet planned."), "success")
    return _back(sheet)


class GapForm(FlaskForm):
    """Leave a gap without an action (with the reason), or take it back into the plan."""

    reason = TextAreaField(_l("Why it stays without an action"), validators=[Optional()])
    version = IntegerField(validators=[Optional()])


def _gap_change(assessment_id: int, requirement_id: str, change):
    """Run ``change(sheet, form)`` on one gap; answer 422 or 409 on the plan page with the input kept."""
    sheet = score_sheet(assessment_for(assessment_id, Action.PLAN))
    if requirement_id not in sheet.responses:
        abort(404)
    form = GapForm()
    status, message = 422, None
    if not form.validate():
        message = " ".join(e for errors in form.errors.values() for e in errors)
    else:
        try:
            done = committed(lambda: change(sheet, form), reload=sheet.reload)  # a busy database is retried here
        except InvalidResponse as exc:
            db.session.rollback()
            message = str(exc)
        except ResponseConflict as exc:
            db.session.rollback()
            status, message = 409, _("%(msg)s. Reload the page to see their changes.", msg=str(exc))
        except (PlanError, AssessmentLocked) as exc:
            db.session.rollback()
            status, message = 409, str(exc)
        else:
            flash(done, "success")
            return _back(sheet, "unplanned")
    sheet.reload()
    if requirement_id not in {gap.requirement.id for gap in plan_of(sheet).unplanned}:
        flash(message, "error")  # the gap is no longer listed to carry the message beside it
    gap_error = {"id": requirement_id, "message": message, "reason": form.reason.data or ""}
    return _plan_page(sheet, gap_error=gap_error), status


@bp.post("/<int:assessment_id>/plan/gaps/<requirement_id>/leave")
@requires(on_unit(Action.PLAN))
def leave_gap(assessment_id: int, requirement_id: str):
    """Leave a gap no action closes open on purpose, with the reason."""

    def change(sheet: ScoreSheet, form: GapForm) -> str:
        leave_open(sheet, requirement_id, form.reason.data or "", expected_version=form.version.data, user=current_user)
        return _("%(id)s is left without an action; the reason is kept with the plan.", id=requirement_id)

    return _gap_change(assessment_id, requirement_id, change)


@bp.post("/<int:assessment_id>/plan/gaps/<requirement_id>/take-back")
@requires(on_unit(Action.PLAN))
def take_back_gap(assessment_id: int, requirement_id: str):
    """Put a gap left open back among those an action must close."""

    def change(sheet: ScoreSheet, form: GapForm) -> str:
        take_back(sheet, requirement_id, expected_version=form.version.data, user=current_user)
        return _("%(id)s is back among the gaps the plan must close.", id=requirement_id)

    return _gap_change(assessment_id, requirement_id, change)
