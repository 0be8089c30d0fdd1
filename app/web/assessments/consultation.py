"""The consultation record page: date, place or online, participants, minutes."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import BooleanField, DateField, FieldList, Form, FormField, IntegerField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.extensions import db
from app.services.assessment.access import Action, may_in
from app.services.assessment.assessments import AssessmentLocked, score_sheet
from app.services.assessment.consultations import (
    MAX_PARTICIPANTS,
    ConsultationInput,
    Participant,
    record_of,
    save_consultation,
)
from app.services.assessment.parts import take_part
from app.services.assessment.plans import plan_of
from app.services.assessment.responses import InvalidResponse, ResponseConflict
from app.services.formatting import date, datetime
from app.web.assessments.stage_panel import render_assessment_page
from app.web.assessments.views import bp
from app.web.decisions import on_unit, requires
from app.web.guards import assessment_for
from app.web.refusals import Refusal, refusal, wants_json
from app.web.validators import sensible_date

BLANK_ROWS = 3


class ParticipantForm(Form):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = StringField(_l("Role"), validators=[Optional(), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])


class ConsultationForm(FlaskForm):
    held_on = DateField(_l("Date"), validators=[Optional(), sensible_date])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    online = BooleanField(_l("Held online"))
    participants = FieldList(FormField(ParticipantForm), max_entries=MAX_PARTICIPANTS + BLANK_ROWS)
    minutes = TextAreaField(_l("Minutes"), validators=[Optional(), Length(max=50000)])
    version = IntegerField(validators=[Optional()])

    def to_input(self) -> ConsultationInput:
        return ConsultationInput(
            held_on=self.held_on.data,
            place=self.place.data or "",
            online=bool(self.online.data),
            participants=[
                Participant(e.form.name.data or "", e.form.role.data or "", e.form.organisation.data or "")
                for e in self.participants
            ],
            minutes=self.minutes.data or "",
        )


@bp.route("/<int:assessment_id>/consultation", methods=["GET", "POST"])
@requires(on_unit(Action.VIEW), POST=on_unit(Action.CONSULT))
def consultation(assessment_id: int):
    """Read the consultation record, or write it during the review."""
    assessment = assessment_for(assessment_id, Action.CONSULT if request.method == "POST" else Action.VIEW)
    sheet = score_sheet(assessment)
    record = record_of(assessment)
    editable = may_in(current_user, Action.CONSULT, assessment)
    form = ConsultationForm() if request.method == "POST" else ConsultationForm(formdata=None)
    if request.method == "GET":
        form.held_on.data, form.place.data, form.online.data = record.held_on, record.place, record.online
        form.minutes.data, form.version.data = record.minutes, record.version
        for person in record.participants or []:
            form.participants.append_entry(person)
        for _i in range(BLANK_ROWS):
            form.participants.append_entry()
    status = 200
    if request.method == "POST" and wants_json():
        return _save_json(assessment, form)
    if request.method == "POST":
        status = 400
        if form.validate():
            try:
                save_consultation(assessment, form.to_input(), expected_version=form.version.data, user=current_user)
                take_part(assessment, current_user, Action.CONSULT)
            except (InvalidResponse, AssessmentLocked, ResponseConflict) as exc:
                db.session.rollback()
                status = 409 if isinstance(exc, (AssessmentLocked, ResponseConflict)) else 400
                flash(str(exc), "error")
            else:
                db.session.commit()
                flash(_("Consultation record saved."), "success")
                return redirect(url_for("assessments.consultation", assessment_id=assessment.id))
    return render_assessment_page(
        "assessments/consultation.html",
        sheet,
        record=record,
        form=form,
        editable=editable,
        plan=plan_of(sheet),
    ), status


def _save_json(assessment, form: ConsultationForm):
    """Autosave of the record: the new version, or a refusal (field errors, their values on a conflict)."""
    if not form.validate():
        errors = {name: _flat(messages) for name, messages in form.errors.items()}
        return refusal(422, Refusal.INVALID, _("Not saved: check the highlighted fields."), errors=errors)
    try:
        record = save_consultation(assessment, form.to_input(), expected_version=form.version.data, user=current_user)
        db.session.commit()
    except InvalidResponse as exc:
        db.session.rollback()
        return refusal(422, Refusal.INVALID, _("Not saved: check the highlighted fields."), errors=exc.errors)
    except AssessmentLocked as exc:
        db.session.rollback()
        message = _(
            "%(why)s Someone moved the assessment on while you were writing, so this was not saved. Your input is "
            "kept on the page: copy what you want to keep, then reload.",
            why=str(exc),
        )
        return refusal(409, Refusal.STAGE_MOVED, message)
    except (ResponseConflict, StaleDataError, IntegrityError):  # the other save was written a moment before
        db.session.rollback()
        current = record_of(assessment)
        db.session.refresh(current)
        message = _(
            "%(who)s saved the consultation record at %(when)s while you were writing. Their values are shown "
            "beside yours; your input is kept. Keep yours, take theirs, or choose field by field.",
            who=current.updated_by.name if current.updated_by else _("Someone"),
            when=datetime(current.updated_at),
        )
        return refusal(409, Refusal.CONFLICT, message, version=current.version, theirs=_theirs(current))
    return {"ok": True, "version": record.version, "saved_at": datetime(record.updated_at)}


def _flat(messages) -> list[str]:
    """Field errors as a flat list (the participants' rows nest theirs)."""
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [m for inner in messages.values() for m in _flat(inner)]
    return [m for inner in messages for m in _flat(inner)]


def _theirs(record) -> list[dict]:
    """The stored record, field by field, as the conflict box shows it and the form takes it."""
    people = [[p.get("name", ""), p.get("role", ""), p.get("organisation", "")] for p in record.participants or []]
    fields = [
        ("held_on", _("Date"), record.held_on.isoformat() if record.held_on else "", date(record.held_on)),
        ("place", _("Place"), record.place, record.place),
        ("online", _("Held online"), "y" if record.online else "", _("yes") if record.online else _("no")),
        ("participants", _("Participants"), people, "; ".join(", ".join(x for x in p if x) for p in people)),
        ("minutes", _("Minutes"), record.minutes, record.minutes),
    ]
    return [
        {"field": name, "label": str(label), "raw": raw, "value": shown or "–"} for name, label, raw, shown in fields
    ]
