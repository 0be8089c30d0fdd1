"""Assessment pages: new, results, the cards, calibration, and moves between stages."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.domain.checklist import Focus
from app.domain.workflow import Move, Stage
from app.extensions import db
from app.models import Assessment, ChecklistVersion, Unit
from app.models.base import utcnow
from app.services.accounts.audit import find_events
from app.services.assessment.access import Action, may, may_in, move_action, visible_units_clause
from app.services.assessment.assessments import AssessmentError, create_assessment, default_modules, score_sheet
from app.services.assessment.plans import plan_of
from app.services.assessment.readiness import readiness_of
from app.services.assessment.rechecks import carried_status
from app.services.assessment.reviews import finding_counts
from app.services.assessment.summary import summary_of
from app.services.assessment.upgrades import later_versions, successors
from app.services.assessment.workflow import MoveRefused, move, needs_readiness
from app.services.content.checklists import checklist_of, latest_versions
from app.services.content.scene_types import scene_types_offered
from app.services.formatting import round_name
from app.services.labels import MOVE
from app.services.programme.follow_up import follow_up_status
from app.services.programme.programmes import ProgrammeError, place_in_round, rounds_of_units
from app.services.reporting.charts import section_bars
from app.services.reporting.issuing import issued_reports
from app.web.assessments.forms import NewAssessmentForm
from app.web.assessments.scoring_page import FILTERS, Finder, ScoringPage, card_url
from app.web.assessments.stage_panel import UNDOING, render_assessment_page, stage_panel
from app.web.compact import compact_html
from app.web.decisions import STAGE_MOVE, in_some_unit, on_unit, requires
from app.web.guards import assessment_for, refuse_without_unit

bp = Blueprint("assessments", __name__, url_prefix="/assessments")
bp.add_app_template_global(card_url, "card_url")  # a requirement's card: its section's page that shows it


def _creatable_units() -> list[Unit]:
    units = db.session.scalars(select(Unit).where(visible_units_clause(current_user, Unit.id)).order_by(Unit.code))
    return [u for u in units if may(current_user, Action.CREATE, u.id)]


@bp.route("/new", methods=["GET", "POST"])
@requires(in_some_unit(Action.CREATE))
def new():
    """Start an assessment of a unit against a checklist version."""
    refuse_without_unit(Action.CREATE)
    units = _creatable_units()
    if not units:  # an administrator, before any unit exists
        flash(_("An assessment is of a CSI unit: create the unit first, then start its assessment."), "info")
        return redirect(url_for("units.index"))
    versions = latest_versions()
    form = NewAssessmentForm()
    form.unit.choices = [SelectChoice(u.id, f"{u.code} — {u.name}") for u in units]
    form.checklist.choices = [SelectChoice(v.id, f"{v.title} ({v.version})") for v in versions]
    scene_types = scene_types_offered(versions)
    form.modules.choices = [SelectChoice(s.id, str(s.title)) for s in scene_types]
    rounds = rounds_of_units(units)
    form.round.choices = [SelectChoice("", _("None: not part of a programme's round"))] + [
        SelectChoice(r.id, round_name(r)) for r in rounds
    ]
    if request.method == "GET":
        wanted = request.args.get("unit")
        form.unit.data = next((u.id for u in units if u.code == wanted), units[0].id)
        form.modules.data = [m for v in versions for m in default_modules(checklist_of(v))]
        form.assessed_on.data = utcnow().date()
    if not versions:
        flash(_("No checklist is loaded yet. Ask an administrator to run 'flask checklists load'."), "error")
    elif form.validate_on_submit():
        unit = next(u for u in units if u.id == form.unit.data)
        version = db.get_or_404(ChecklistVersion, form.checklist.data)
        declared = {x.id for x in checklist_of(version).modules}
        offered = {s.id for s in scene_types}
        # A module another loaded version offers is not this version's to take; an id no form offered is refused.
        chosen = [m for m in form.modules.data or [] if m in declared]
        unknown = sorted(m for m in set(form.modules.data or []) if m not in declared and m not in offered)
        if unknown:
            form.modules.errors = [_("There is no scene type %(modules)s to choose.", modules=", ".join(unknown))]
        else:
            try:
                assessment = create_assessment(
                    unit=unit,
                    version=version,
                    title=form.title.data,
                    modules=chosen,
                    scope=form.scope.data,
                    assessors=form.assessors.data or "",
                    assessed_on=form.assessed_on.data,
                    user=current_user,
                    focus=form.focus.data or Focus.FULL,
                )
                chosen_round = next((r for r in rounds if r.id == form.round.data), None)
                if chosen_round is not None:
                    place_in_round(assessment, chosen_round)
            except AssessmentError as exc:
                db.session.rollback()
                form.title.errors.append(str(exc))
            except ProgrammeError as exc:
                db.session.rollback()
                form.round.errors = [str(exc)]
            else:
                db.session.commit()
                flash(_("Assessment started. Score the requirements section by section."), "success")
                return redirect(url_for("assessments.score", assessment_id=assessment.id))
    status = 400 if form.errors else 200
    return (
        render_template(
            "assessments/new.html", form=form, scene_types={s.id: s for s in scene_types}, offer_rounds=bool(rounds)
        ),
        status,
    )


@bp.get("/<int:assessment_id>")
@requires(on_unit(Action.VIEW))
def results(assessment_id: int):
    """Where the assessment stands: figures, sections, findings and ranked gaps."""
    assessment = assessment_for(assessment_id)
    sheet = score_sheet(assessment)
    issued = issued_reports(assessment)
    upgraded = successors(assessment)
    current = next((r for r in issued if r.revision == assessment.revision), None)
    return render_assessment_page(
        "assessments/results.html",
        sheet,
        bar_chart=section_bars(sheet.result),
        plan=plan_of(sheet),
        findings=finding_counts(sheet),
        issued=issued,
        current_issue=current,
        can_issue=may_in(current_user, Action.ISSUE, assessment) and current is None,
        can_export=may(current_user, Action.EXPORT, assessment.unit_id),
        later=later_versions(assessment, upgraded) if may(current_user, Action.CREATE, assessment.unit_id) else [],
        successors=upgraded,
        rechecks=sum(1 for response in sheet.responses.values() if response.recheck),
        summary=summary_of(sheet),
        carried=carried_status(sheet),
        follow_up=follow_up_status(assessment, current_user),
    )


@bp.get("/<int:assessment_id>/score")
@requires(on_unit(Action.VIEW))
def score(assessment_id: int):
    """The requirement cards, section by section or by filter, with the layers the stage shows."""
    assessment = assessment_for(assessment_id)
    sheet = score_sheet(assessment)
    page = ScoringPage.build(
        sheet,
        current_user,
        section_id=request.args.get("section"),
        filter_name=request.args.get("filter", "all"),
        page_number=request.args.get("page", 1, type=int),
        finder=Finder.from_args(request.args),
        view=request.args.get("view", "cards"),
        whole=request.args.get("whole") == "1",
        after=request.args.get("after"),
        before=request.args.get("before"),
    )
    if page.section_id is not None and page.section is None:
        abort(404)
    return compact_html(
        render_template("assessments/score.html", page=page, filters=FILTERS, panel=stage_panel(sheet, current_user))
    )


@bp.get("/<int:assessment_id>/calibration")
@requires(on_unit(Action.VIEW))
def calibration(assessment_id: int):
    """Self-assessment against the expert's review: agreement, kappa, over- and under-rating."""
    assessment = assessment_for(assessment_id)
    sheet = score_sheet(assessment)
    return render_assessment_page("assessments/calibration.html", sheet)


@bp.get("/<int:assessment_id>/finalise")
@requires(STAGE_MOVE)
def confirm_finalise(assessment_id: int):
    """Ask before finalising, saying what is still open."""
    assessment = assessment_for(assessment_id)
    assessment_for(assessment_id, move_action(Move.FINALISE, Stage(assessment.stage)))  # 403 role, 409 stage
    sheet = score_sheet(assessment)
    return render_assessment_page(
        "assessments/finalise.html",
        sheet,
        ready=readiness_of(sheet),
        guarded=needs_readiness(Move.FINALISE, Stage(assessment.stage)),
    )


def assessment_and_move(assessment_id: int, move_name: str) -> tuple[Assessment, Move]:
    """The assessment and the move named, if the current user may make it now: else 404, 403 or 409."""
    try:
        chosen = Move(move_name)
    except ValueError:
        abort(404)
    assessment = assessment_for(assessment_id)
    assessment_for(assessment_id, move_action(chosen, Stage(assessment.stage)))  # 403 for the role, 409 for the stage
    return assessment, chosen


@bp.post("/<int:assessment_id>/move/<move_name>")
@requires(STAGE_MOVE)
def change_stage(assessment_id: int, move_name: str):
    """Move the assessment to another stage; finalising needs the confirmation page's consent."""
    assessment, chosen = assessment_and_move(assessment_id, move_name)
    if chosen is Move.FINALISE and request.form.get("confirm") != "yes":
        return redirect(url_for("assessments.confirm_finalise", assessment_id=assessment.id))
    if chosen in UNDOING and request.form.get("confirm") != "yes":  # undoing work: ask first
        return redirect(url_for("assessments.confirm_move", assessment_id=assessment.id, move_name=chosen.value))
    sheet = score_sheet(assessment)
    try:
        stage = move(sheet, chosen, current_user)
    except MoveRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("assessments.results", assessment_id=assessment.id), code=303)
    db.session.commit()
    flash(_moved_message(chosen, stage, assessment.revision), "success")
    return redirect(url_for("assessments.results", assessment_id=assessment.id))


def _moved_message(chosen: Move, stage: Stage, revision: int) -> str:
    if chosen is Move.REOPEN:
        return _("Reopened as revision %(rev)s. Earlier issued reports stay available and unchanged.", rev=revision)
    if chosen is Move.FINALISE:
        return _("Assessment finalised. Its responses are locked and the documents it cites are frozen.")
    return _("Done: %(what)s.", what=MOVE[chosen])


@bp.get("/<int:assessment_id>/terms")
@requires(on_unit(Action.VIEW))
def terms(assessment_id: int):
    """The glossary of the assessment's checklist version: meanings and regional equivalents."""
    assessment = assessment_for(assessment_id)
    sheet = score_sheet(assessment)
    return render_assessment_page("assessments/terms.html", sheet)


@bp.get("/<int:assessment_id>/history/<requirement_id>")
@requires(on_unit(Action.VIEW))
def history(assessment_id: int, requirement_id: str):
    """Every change of one requirement's layers in this assessment, newest first."""
    assessment = assessment_for(assessment_id)
    sheet = score_sheet(assessment)
    if requirement_id not in sheet.responses:
        abort(404)
    page = find_events(
        assessment_id=assessment.id,
        object_type="response",
        object_id=requirement_id,
        page=request.args.get("page", 1, type=int),
    )
    return render_assessment_page(
        "assessments/history.html", sheet, requirement=sheet.checklist.requirement(requirement_id), page=page
    )
