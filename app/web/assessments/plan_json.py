"""The action page's saves from its script: the new version, or a refusal the page can show.

A conflicting edit answers 409 with the other person's values, field by field, so the page
can merge them with what this person changed (as the requirement cards do).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import PlannedAction
from app.services.assessment.assessments import AssessmentLocked, ScoreSheet
from app.services.assessment.plans import update_action
from app.services.assessment.responses import InvalidResponse, ResponseConflict
from app.services.formatting import date, datetime
from app.web.refusals import Refusal, refusal


def save_action_json(sheet: ScoreSheet, action: PlannedAction, form):
    """Validate and save one action's details; answer JSON."""
    if not form.validate():
        return refusal(422, Refusal.INVALID, _("Not saved: check the highlighted fields."), errors=form.errors)
    try:
        update_action(sheet, action.id, form.to_input(), expected_version=form.version.data, user=current_user)
        db.session.commit()
    except InvalidResponse as exc:
        db.session.rollback()
        return refusal(422, Refusal.INVALID, _("Not saved: check the highlighted fields."), errors=exc.errors)
    except AssessmentLocked as exc:
        db.session.rollback()
        return refusal(409, Refusal.STAGE_MOVED, str(exc))
    except (ResponseConflict, StaleDataError):  # StaleDataError: the other save was written a moment before
        db.session.rollback()
        db.session.refresh(action)
        message = _(
            "%(who)s saved this action at %(when)s while you were editing it. Their values are shown beside "
            "yours; your input is kept. Keep yours, take theirs, or choose field by field.",
            who=action.updated_by.name if action.updated_by else _("Someone"),
            when=datetime(action.updated_at),
        )
        return refusal(409, Refusal.CONFLICT, message, version=action.version, theirs=theirs_of(action))
    return {"ok": True, "version": action.version, "saved_at": datetime(action.updated_at), "message": _("Saved.")}


def theirs_of(action: PlannedAction) -> list[dict]:
    """The stored action, field by field, as the conflict box shows it and the form takes it."""
    fields = [
        ("title", _("Action"), action.title, action.title),
        ("owner", _("Owner"), action.owner, action.owner),
        ("due_on", _("Due date"), action.due_on.isoformat() if action.due_on else "", date(action.due_on)),
        ("effort", _("Effort"), action.effort or "", action.effort),
        ("cost", _("Cost"), action.cost or "", action.cost),
        ("status", _("Status"), action.status, action.status),
        ("notes", _("Notes"), action.notes, action.notes),
    ]
    return [
        {"field": name, "label": str(label), "raw": raw, "value": shown or "–"} for name, label, raw, shown in fields
    ]
