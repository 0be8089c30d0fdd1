"""Start the next round's assessment from a finalised one: see what carries over, then start it."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from app.extensions import db
from app.models import Round, Unit
from app.services.assessment.access import Action
from app.services.assessment.assessments import score_sheet
from app.services.programme.follow_up import FollowUpRefused, open_rounds, plan_follow_up, start_follow_up
from app.web.assessments.stage_panel import render_assessment_page
from app.web.assessments.views import bp
from app.web.decisions import on_unit, requires
from app.web.guards import assessment_for


def _chosen_round(rounds: list[Round], unit: Unit) -> Round | None:
    """The round asked for (``round``: its id) among the rounds of the unit's programmes; by default the first open one."""
    wanted = request.values.get("round", type=int)
    if wanted is None:
        return rounds[0] if rounds else None
    found = db.session.get(Round, wanted) if 0 < wanted < 2**31 else None
    if found is None or unit not in found.programme.units:  # another programme's round: not this page's to name
        return None
    return found


@bp.route("/<int:assessment_id>/follow-up", methods=["GET", "POST"])
@requires(on_unit(Action.CREATE))
def follow_up(assessment_id: int):
    """What the next round's assessment would carry over from this one, and a button that starts it."""
    previous = assessment_for(assessment_id, Action.CREATE)
    user = current_user._get_current_object()
    rounds = open_rounds(previous)
    found = _chosen_round(rounds, previous.unit)
    form = FlaskForm()
    plan, refusal = None, None
    if found is None:
        refusal = _(
            "There is no such later round to start a follow-up in: the unit's programmes have no round after this "
            "assessment's, or each one has its follow-up already."
        )
    else:
        try:
            plan = plan_follow_up(previous, found, user)
        except FollowUpRefused as exc:
            refusal = str(exc)
    if plan is not None and form.validate_on_submit():
        try:
            new, done = start_follow_up(previous, found, user)
        except FollowUpRefused as exc:
            db.session.rollback()
            refusal, plan = str(exc), None
        else:
            db.session.commit()
            message = _(
                "Started the assessment of round %(label)s: %(summary)s.", label=found.label, summary=done.summary
            )
            message += " " + ngettext(
                "Confirm the carried answer (Still holds) or change it.",
                "Confirm each carried answer (Still holds) or change it; the cards to re-confirm are listed here.",
                done.to_reconfirm,
            )
            flash(message, "success")
            target = {"filter": "recheck"} if done.to_reconfirm else {}
            return redirect(url_for("assessments.score", assessment_id=new.id, **target))
    page = render_assessment_page(
        "assessments/follow_up.html",
        score_sheet(previous),
        rounds=rounds,
        chosen=found,
        plan=plan,
        refusal=refusal,
        form=form,
    )
    return page, 409 if refusal else 200
