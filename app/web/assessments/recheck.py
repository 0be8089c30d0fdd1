""" "Still holds": confirming a carried answer after an upgrade, without changing it.

A small form of its own on each re-check card (the button works without JavaScript);
app/static/js/recheck.js sends it with the card's current version and the ``h`` key.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.extensions import db
from app.services.assessment.access import Action
from app.services.assessment.assessments import AssessmentLocked
from app.services.assessment.busy import committed
from app.services.assessment.responses import InvalidResponse, ResponseConflict, confirm_response
from app.web.assessments.layers import conflict_message, form_number, safe_local, sheet_for, theirs_of
from app.web.assessments.views import bp
from app.web.decisions import on_unit, requires
from app.web.refusals import Refusal, refusal, wants_json


@bp.post("/<int:assessment_id>/responses/<requirement_id>/confirm")
@requires(on_unit(Action.SCORE))
def confirm(assessment_id: int, requirement_id: str):
    """Clear a card's re-check flag: the carried answer still holds under the new wording."""
    sheet = sheet_for(assessment_id, requirement_id, Action.SCORE)
    answer_json = wants_json()
    back = safe_local(request.form.get("next")) or url_for(
        "assessments.score", assessment_id=assessment_id, filter="recheck"
    )

    def confirmed():
        response = confirm_response(sheet, requirement_id, expected_version=form_number("version"), user=current_user)
        left = sum(1 for r in sheet.responses.values() if r.recheck)  # before the commit expires them all
        return response.version, left

    try:
        version, left = committed(confirmed, reload=sheet.reload)  # a busy database is retried here
    except ResponseConflict as exc:
        db.session.rollback()
        body, status = refusal(
            409,
            Refusal.CONFLICT,
            conflict_message(exc, answer_json),
            version=exc.current.version,
            theirs=theirs_of(exc.current, "self"),
        )
    except AssessmentLocked as exc:
        db.session.rollback()
        body, status = refusal(409, Refusal.STAGE_MOVED, str(exc))
    except InvalidResponse as exc:
        db.session.rollback()
        body, status = refusal(400, Refusal.BAD_REQUEST, str(exc))
    else:
        message = _("%(id)s: the carried answer still holds.", id=requirement_id)
        remaining = ngettext(
            "%(num)s carried answer left to re-check.", "%(num)s carried answers left to re-check.", left
        )
        if answer_json:
            return {
                "ok": True,
                "id": requirement_id,
                "version": version,
                "message": message,
                "left": left,
                "left_text": remaining,
            }
        flash(f"{message} {remaining}", "success")
        return redirect(back)
    if answer_json:
        return body, status
    flash(body["message"], "error")
    return redirect(back, code=303)
