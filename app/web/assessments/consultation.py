"""The consultation record page: date, place or online, participants, minutes."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
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
from app.web.assessments.stage_panel import render_assessment_page
from app.web.assessments.views import bp
from app.web.decisions import on_unit, requires
from app.web.guards import assessment_for
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
