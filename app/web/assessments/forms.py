"""Forms for starting an assessment and for the layers of one requirement card."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
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

from app.domain.checklist import Checklist, Focus
from app.domain.scoring import Basis, Scope
from app.models import FINDINGS, STANCES, Response, Review, Sop
from app.services.assessment.responses import MAX_CITATIONS, ResponseInput, ReviewInput, Score
from app.services.content.sops import natural_key
from app.services.labels import BASIS, FINDING, SCOPE, STANCE, level_label
from app.web.validators import database_id, sensible_date

NOT_APPLICABLE = "na"
NOT_EVIDENCED = "ne"
BLANK_CITATIONS = 1  # empty citation rows offered below the filled ones


class MultiCheckboxField(SelectMultipleField):
    """Choices shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewAssessmentForm(FlaskForm):
    """Which unit, which checklist and modules, the scope, and what to call it."""

    unit = SelectField(_l("Unit"), coerce=database_id, validators=[DataRequired()])
    checklist = SelectField(_l("Checklist"), coerce=database_id, validators=[DataRequired()])
    modules = MultiCheckboxField(_l("Which scene types does your unit serve?"), validate_choice=False)
    focus = RadioField(
        _l("How much of the checklist"),
        choices=[
            SelectChoice(Focus.FULL.value, _l("Full checklist")),
            SelectChoice(Focus.ESSENTIALS.value, _l("First assessment: essential requirements only")),
        ],
        default=Focus.FULL.value,
        validators=[Optional()],  # a client that does not ask takes the full checklist
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    scope = RadioField(
        _l("Scope"),
        choices=[SelectChoice(s.value, SCOPE[s]) for s in Scope],
        default=Scope.DESK.value,
        validators=[DataRequired()],
    )
    assessors = StringField(_l("Assessors"), validators=[Optional(), Length(max=500)])
    assessed_on = DateField(_l("Date"), validators=[Optional(), sensible_date])
    #: Offered only where the unit belongs to a regional programme with rounds.
    round = SelectField(_l("Round of a regional programme"), coerce=lambda v: _int_or_none(v), validators=[Optional()])


def _int_or_none(value):
    """A document id from a form, None for the empty choice; a number no id can be is refused."""
    return None if value in (None, "", "None") else database_id(value)


def score_choices(checklist: Checklist, blank: str | None = None) -> list[SelectChoice]:
    """The score picker: the scale, N/A and not evidenced (and a blank choice when asked)."""
    choices = [SelectChoice("", blank)] if blank else []
    choices += [SelectChoice(str(level.value), f"{level.value} {level_label(level)}") for level in checklist.scale]
    choices.append(SelectChoice(NOT_APPLICABLE, str(_l("N/A"))))
    choices.append(SelectChoice(NOT_EVIDENCED, str(_l("Not evidenced"))))
    return choices


def parse_score(raw: str | None) -> Score:
    """The picker's value as a score."""
    raw = (raw or "").strip()
    return Score(
        value=int(raw) if raw.isdigit() else None,
        not_applicable=raw == NOT_APPLICABLE,
        not_evidenced=raw == NOT_EVIDENCED,
    )


def score_value(value: int | None, not_applicable: bool, not_evidenced: bool) -> str:
    """A stored score as the picker's value."""
    if not_applicable:
        return NOT_APPLICABLE
    if not_evidenced:
        return NOT_EVIDENCED
    return "" if value is None else str(value)


def parse_ticks(form) -> list[int] | None:
    """The ticked elements as positions: None when the card showed none or none is ticked.

    Nothing ticked is "not ticked" (a card saved before anyone looked at its elements); a
    position that is no number is passed on as -1, for the service to refuse.
    """
    if not form.ticks_shown.data or not form.ticks.data:
        return None
    return [int(raw) if raw.isdigit() else -1 for raw in form.ticks.data]


def fill_ticks(form, row) -> None:
    """The stored ticks and reason into the form."""
    form.ticks.data = [str(i) for i in row.ticks or ()]
    form.level_reason.data = row.level_reason


def score_is_valid(field: RadioField, checklist: Checklist) -> bool:
    """False (with a field error) when the picker holds neither a scale value, N/A, not evidenced nor nothing."""
    raw = (field.data or "").strip()
    if raw in ("", NOT_APPLICABLE, NOT_EVIDENCED) or (raw.isdigit() and checklist.level(int(raw)) is not None):
        return True
    field.errors = [*field.errors, str(_l("Choose a score from the scale, N/A or not evidenced."))]
    return False


def document_choices(sops: list[Sop], *, codes_only: bool = False) -> list[SelectChoice]:
    """The unit's documents as a citation's choices, after "—" (none): "code · title (vN)", or the code alone."""
    return [SelectChoice("", "—")] + [
        SelectChoice(str(s.id), s.code if codes_only else f"{s.code} · {s.title} (v{s.version})")
        for s in sorted(sops, key=natural_key)
    ]


class CitationForm(Form):
    """One place in the unit's documents: which document, which section."""

    sop_id = SelectField(_l("Document"), coerce=_int_or_none, validate_choice=False)
    section = StringField(_l("Section"), validators=[Optional(), Length(max=120)])


class ResponseForm(FlaskForm):
    """The unit's self-assessment of one requirement."""

    score = RadioField(_l("Score"), validators=[Optional()], validate_choice=False)
    basis = SelectField(
        _l("Score rests on"),
        choices=[SelectChoice(b.value, BASIS[b]) for b in Basis],
        default=Basis.SOP_TEXT.value,
        validate_choice=False,
    )
    na_justification = TextAreaField(_l("Why it does not apply"), validators=[Optional(), Length(max=4000)])
    citations = FieldList(FormField(CitationForm), max_entries=MAX_CITATIONS + BLANK_CITATIONS)
    evidence_note = TextAreaField(
        _l("Note (what the SOP says, what is missing)"), validators=[Optional(), Length(max=8000)]
    )
    recommendation = TextAreaField(_l("Assessor's recommendation"), validators=[Optional(), Length(max=8000)])
    ticks = SelectMultipleField(_l("What to look for"), validators=[Optional()], validate_choice=False)
    ticks_shown = HiddenField()
    level_reason = TextAreaField(
        _l("Why another level than the elements ticked give"), validators=[Optional(), Length(max=4000)]
    )
    version = IntegerField(validators=[Optional()])
    next = HiddenField()

    def set_choices(self, checklist: Checklist, sops: list[Sop]) -> None:
        """Scale values and the unit's documents as choices.

        A blank citation row offers every document by its code; a row that cites one offers
        that one, named in full, and "—" (to take it away). The cards page sends the register
        named in full once, in a template its script fills every row from: a unit's register,
        named in full on every row of every card, was most of a page's weight, and grew with it.
        """
        self.score.choices = score_choices(checklist)
        named, coded = document_choices(sops), document_choices(sops, codes_only=True)
        for entry in self.citations:
            chosen = entry.form.sop_id.data
            entry.form.sop_id.choices = coded if chosen is None else [c for c in named if c.value in ("", str(chosen))]

    def to_input(self) -> ResponseInput:
        """The submitted values for the service."""
        score = parse_score(self.score.data)
        citations = [
            (entry.form.sop_id.data, entry.form.section.data or "")
            for entry in self.citations
            if entry.form.sop_id.data is not None
        ]
        return ResponseInput(
            value=score.value,
            not_applicable=score.not_applicable,
            not_evidenced=score.not_evidenced,
            na_justification=self.na_justification.data or "",
            basis=self.basis.data or None,
            citations=citations,
            evidence_note=self.evidence_note.data or "",
            recommendation=self.recommendation.data or "",
            ticks=parse_ticks(self),
            level_reason=self.level_reason.data or "",
        )


def response_form(prefix: str, response: Response | None = None, formdata=None) -> ResponseForm:
    """The self-assessment form of one card, filled from its stored response."""
    form = ResponseForm(prefix=prefix, formdata=formdata)
    if formdata is None and response is not None:
        form.score.data = score_value(response.value, response.not_applicable, response.not_evidenced)
        form.basis.data = response.basis or Basis.SOP_TEXT.value
        if response.carried_from and response.basis is None and response.value is not None:
            # Carried from a version whose answer never said what it rests on: say so, never "SOP text".
            form.basis.choices = [SelectChoice("", str(_l("Basis not recorded"))), *form.basis.choices]
            form.basis.data = ""
        form.na_justification.data = response.na_justification
        form.evidence_note.data = response.evidence_note
        form.recommendation.data = response.recommendation
        fill_ticks(form, response)
        form.version.data = response.version
        while len(form.citations):
            form.citations.pop_entry()
        for citation in response.citations:
            form.citations.append_entry({"sop_id": citation.sop_id, "section": citation.section})
    if formdata is None:
        for _i in range(BLANK_CITATIONS):
            form.citations.append_entry()
    return form


class ReviewForm(FlaskForm):
    """The expert's review of one requirement, and the agreed score after the consultation."""

    score = RadioField(_l("Expert's score"), validators=[Optional()], validate_choice=False)
    stance = RadioField(
        _l("Stance on the unit's score"),
        choices=[SelectChoice(s, STANCE[s]) for s in STANCES],
        validators=[Optional()],
        validate_choice=False,
    )
    comment = TextAreaField(_l("Comment to the unit"), validators=[Optional(), Length(max=8000)])
    finding = SelectField(
        _l("Finding"),
        choices=[SelectChoice("", "—"), *(SelectChoice(f, FINDING[f]) for f in FINDINGS)],
        validate_choice=False,
    )
    agreed = RadioField(_l("Agreed score"), validators=[Optional()], validate_choice=False)
    ticks = SelectMultipleField(_l("What to look for"), validators=[Optional()], validate_choice=False)
    ticks_shown = HiddenField()
    level_reason = TextAreaField(
        _l("Why another level than the elements ticked give"), validators=[Optional(), Length(max=4000)]
    )
    version = IntegerField(validators=[Optional()])
    next = HiddenField()

    def set_choices(self, checklist: Checklist) -> None:
        self.score.choices = score_choices(checklist)
        self.agreed.choices = score_choices(checklist)

    def to_input(self, with_agreed: bool) -> ReviewInput:
        score = parse_score(self.score.data)
        return ReviewInput(
            value=score.value,
            not_applicable=score.not_applicable,
            not_evidenced=score.not_evidenced,
            stance=self.stance.data or None,
            comment=self.comment.data or "",
            finding=self.finding.data or None,
            agreed=parse_score(self.agreed.data) if with_agreed else None,
            ticks=parse_ticks(self),
            level_reason=self.level_reason.data or "",
        )


def review_form(prefix: str, review: Review | None = None, formdata=None) -> ReviewForm:
    """The review form of one card, filled from the stored review."""
    form = ReviewForm(prefix=f"{prefix}-rv", formdata=formdata)
    if formdata is None and review is not None:
        form.score.data = score_value(review.value, review.not_applicable, review.not_evidenced)
        form.stance.data = review.stance or ""
        form.comment.data = review.comment
        form.finding.data = review.finding or ""
        form.agreed.data = score_value(review.agreed_value, review.agreed_not_applicable, review.agreed_not_evidenced)
        fill_ticks(form, review)
        form.version.data = review.version
    return form


class ReplyForm(FlaskForm):
    """The unit's answer to the expert, and the unit head's dissent from the agreed score."""

    reply = TextAreaField(_l("The unit's answer"), validators=[Optional(), Length(max=8000)])
    dissent = TextAreaField(_l("Dissent from the agreed score"), validators=[Optional(), Length(max=8000)])
    version = IntegerField(validators=[Optional()])
    next = HiddenField()


def reply_form(prefix: str, response: Response | None = None, formdata=None) -> ReplyForm:
    """The reply form of one card, filled from the stored response."""
    form = ReplyForm(prefix=f"{prefix}-re", formdata=formdata)
    if formdata is None and response is not None:
        form.reply.data = response.reply
        form.dissent.data = response.dissent
        form.version.data = response.version
    return form
