"""Forms for starting an assessment and for scoring one requirement."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.domain.checklist import Checklist
from app.models import Sop
from app.services.assessments import ResponseInput

NOT_APPLICABLE = "na"


class MultiCheckboxField(SelectMultipleField):
    """Choices shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewAssessmentForm(FlaskForm):
    """Which unit, which checklist and modules, and what to call it."""

    unit = SelectField(_l("Unit"), coerce=int, validators=[DataRequired()])
    checklist = SelectField(_l("Checklist"), coerce=int, validators=[DataRequired()])
    modules = MultiCheckboxField(_l("Optional modules"), validate_choice=False)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice("self_assessment", _l("Self-assessment by the unit")),
            SelectChoice("consultation", _l("Consultation with an external expert")),
        ],
    )
    assessors = StringField(_l("Assessors"), validators=[Optional(), Length(max=500)])
    assessed_on = DateField(_l("Date"), validators=[Optional()])


class ResponseForm(FlaskForm):
    """One requirement's response: score or N/A, where the SOP covers it, notes and action."""

    score = RadioField(_l("Score"), validators=[Optional()], validate_choice=False)
    na_justification = TextAreaField(_l("Why it does not apply"), validators=[Optional(), Length(max=4000)])
    sop_id = SelectField(
        _l("SOP"), coerce=lambda v: int(v) if v not in (None, "", "None") else None, validate_choice=False
    )
    sop_section = StringField(_l("Section of the SOP"), validators=[Optional(), Length(max=120)])
    evidence_note = TextAreaField(
        _l("Note (what the SOP says, what is missing)"), validators=[Optional(), Length(max=8000)]
    )
    recommendation = TextAreaField(_l("Assessor's recommendation"), validators=[Optional(), Length(max=8000)])
    action_owner = StringField(_l("Action owner"), validators=[Optional(), Length(max=200)])
    action_due = DateField(_l("Due date"), validators=[Optional()])
    version = IntegerField(validators=[Optional()])
    next = HiddenField()

    def set_choices(self, checklist: Checklist, sops: list[Sop]) -> None:
        """Scale values and the unit's SOPs as choices."""
        self.score.choices = [
            SelectChoice(str(level.value), f"{level.value} {level.label}") for level in checklist.scale
        ]
        self.score.choices.append(SelectChoice(NOT_APPLICABLE, str(_l("Not applicable"))))
        self.sop_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(s.id), f"{s.code} {s.title} (v{s.version})") for s in sops
        ]

    def to_input(self) -> ResponseInput:
        """The submitted values for the service."""
        raw = (self.score.data or "").strip()
        return ResponseInput(
            value=int(raw) if raw.isdigit() else None,
            not_applicable=raw == NOT_APPLICABLE,
            na_justification=self.na_justification.data or "",
            sop_id=self.sop_id.data,
            sop_section=self.sop_section.data or "",
            evidence_note=self.evidence_note.data or "",
            recommendation=self.recommendation.data or "",
            action_owner=self.action_owner.data or "",
            action_due=self.action_due.data,
        )

    def score_is_valid(self, checklist: Checklist) -> bool:
        """False (with a field error) when the score is neither a scale value, N/A nor empty."""
        raw = (self.score.data or "").strip()
        if raw in ("", NOT_APPLICABLE) or (raw.isdigit() and checklist.level(int(raw)) is not None):
            return True
        self.score.errors = [*self.score.errors, str(_l("Choose a score from the scale or N/A."))]
        return False


def response_form(prefix: str, response=None, formdata=None) -> ResponseForm:
    """The form of one requirement card, filled from its stored response."""
    form = ResponseForm(prefix=prefix, formdata=formdata)
    if formdata is None and response is not None:
        form.score.data = (
            NOT_APPLICABLE if response.not_applicable else ("" if response.value is None else str(response.value))
        )
        form.na_justification.data = response.na_justification
        form.sop_id.data = response.sop_id
        form.sop_section.data = response.sop_section
        form.evidence_note.data = response.evidence_note
        form.recommendation.data = response.recommendation
        form.action_owner.data = response.action_owner
        form.action_due.data = response.action_due
        form.version.data = response.version
    return form
