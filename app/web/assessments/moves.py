"""Asking before a move that undoes work: withdraw, return for rework, reopen the agreement, reopen.

The stage panel links these moves to a confirmation page (a GET, so it works without
JavaScript), which says what the move undoes and posts the move with the person's consent.
"""

from __future__ import annotations

from flask import redirect, url_for
from flask_babel import gettext as _

from app.domain.workflow import Move
from app.services.assessment.assessments import score_sheet
from app.services.labels import MOVE
from app.web.assessments.stage_panel import render_assessment_page
from app.web.assessments.views import assessment_and_move, bp
from app.web.decisions import STAGE_MOVE, requires


def _undoes(move: Move) -> list[str]:
    """What the move undoes, in a person's words."""
    if move is Move.WITHDRAW:
        return [
            _("The submission is withdrawn: the expert cannot start the review until the unit submits again."),
            _("The unit's answers can be changed again."),
        ]
    if move is Move.RETURN:
        return [
            _("The review stops, and the self-assessment goes back to the unit for rework."),
            _(
                "The expert's scores and comments so far are kept, but neither the expert nor the unit can change "
                "them, and the consultation cannot be held, until the unit submits again."
            ),
        ]
    if move is Move.REVISE_AGREEMENT:
        return [
            _("The unit head's acceptance of the agreed scores is undone."),
            _("The expert may change agreed scores again, and the unit head must accept them again."),
        ]
    if move is Move.REOPEN:
        return [
            _("A new revision starts: the responses unlock and the documents cited are no longer frozen."),
            _("Reports already issued stay available and unchanged; the new revision needs its own."),
        ]
    return []


@bp.get("/<int:assessment_id>/move/<move_name>/confirm")
@requires(STAGE_MOVE)
def confirm_move(assessment_id: int, move_name: str):
    """Ask before a move that undoes work, saying what it undoes."""
    assessment, chosen = assessment_and_move(assessment_id, move_name)
    if chosen is Move.FINALISE:
        return redirect(url_for("assessments.confirm_finalise", assessment_id=assessment.id))
    return render_assessment_page(
        "assessments/confirm_move.html",
        score_sheet(assessment),
        move=chosen,
        title=MOVE[chosen],
        undoes=_undoes(chosen),
    )
