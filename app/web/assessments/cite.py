"""Citing a suggested passage from its card: one click adds the document, the section and the
quoted sentences to the card's citations.

The quote is computed on the server from the stored SOP text; the browser sends only which
passage (document and section) and the card's version. Scripts get JSON (the card's new
version and the citation to show); a plain form post is redirected back to the card.
"""

from __future__ import annotations

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models import Sop
from app.services.assessment.access import Action
from app.services.assessment.assessments import AssessmentLocked, ScoreSheet
from app.services.assessment.busy import committed
from app.services.assessment.citing import CiteRefused, cite_passage
from app.services.assessment.parts import take_part
from app.services.assessment.responses import InvalidResponse, ResponseConflict
from app.services.formatting import datetime
from app.web.assessments.layers import card_for, form_number, locked_refusal, safe_local
from app.web.assessments.scoring_page import card_url
from app.web.assessments.views import bp
from app.web.decisions import on_unit, requires
from app.web.refusals import Refusal, refusal, wants_json

#: Characters of a section number taken from the form (as the citation stores it).
MAX_SECTION = 120


def _citation_json(citation) -> dict:
    return {
        "sop_id": citation.sop_id,
        "code": citation.code,
        "title": citation.title,
        "doc_version": citation.doc_version,
        "section": citation.section,
        "quote": citation.quote,
    }


def _back_to_card(sheet: ScoreSheet, requirement_id: str):
    return redirect(safe_local(request.form.get("next")) or card_url(sheet, requirement_id))


@bp.post("/<int:assessment_id>/responses/<requirement_id>/cite")
@requires(on_unit(Action.SCORE))
def cite(assessment_id: int, requirement_id: str):
    """Cite one suggested passage of the unit's SOPs on the card, with its quoted sentences."""
    sheet = card_for(assessment_id, requirement_id, Action.SCORE)
    stage_before = sheet.assessment.stage
    sop_id, section = form_number("sop"), (request.form.get("section") or "").strip()[:MAX_SECTION]

    def work():
        sop = db.session.get(Sop, sop_id) if sop_id is not None else None
        if sop is None or sop.unit_id != sheet.assessment.unit_id:
            raise CiteRefused(_("Cite documents from this unit's register."))
        citation = cite_passage(
            sheet, requirement_id, sop, section, expected_version=form_number("version"), user=current_user
        )
        take_part(sheet.assessment, current_user, Action.SCORE)
        response = sheet.responses[requirement_id]
        # Read before the commit expires the rows.
        return {
            "ok": True,
            "id": requirement_id,
            "version": response.version,
            "saved_at": datetime(response.updated_at),
            "citation": _citation_json(citation),
            "message": _("%(code)s § %(section)s cited on %(id)s.", code=sop.code, section=section, id=requirement_id),
        }

    try:
        body = committed(work, reload=sheet.reload)
    except AssessmentLocked as exc:
        db.session.rollback()
        code, message = locked_refusal(sheet, stage_before, exc)
        status = 409
    except ResponseConflict as exc:
        db.session.rollback()
        who = exc.current.updated_by.name if exc.current.updated_by else _("Someone")
        code, status = Refusal.CONFLICT, 409
        message = _(
            "%(who)s saved this requirement at %(when)s since the page showed it, so the passage was not cited. "
            "Reload the page to see their changes, then cite it again.",
            who=who,
            when=datetime(exc.current.updated_at),
        )
    except (CiteRefused, InvalidResponse) as exc:
        db.session.rollback()
        code, status, message = Refusal.INVALID, 422, str(exc)
    else:
        if wants_json():
            return body
        flash(body["message"], "success")
        return _back_to_card(sheet, requirement_id)
    if wants_json():
        return refusal(status, code, message)
    flash(message, "error")
    return _back_to_card(sheet, requirement_id)
