"""Translations: what each language's texts state of themselves, and recording a native speaker's review."""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from app.domain.languages import LANGUAGES
from app.extensions import db
from app.models import REVIEW_OUTCOMES
from app.services.content.translations import ReviewError, record_review, translated_texts
from app.services.labels import REVIEW_OUTCOME
from app.web.admin.views import bp
from app.web.decisions import ADMIN, requires
from app.web.i18n import offered
from app.web.languages.views import translated_text_label
from app.web.validators import sensible_date


def not_in_future(_form, field) -> None:
    """A review is recorded once it has happened."""
    if field.data is not None and field.data > dt.date.today():
        raise ValidationError(_l("A review is recorded once it has taken place: give a date not after today."))


class ReviewForm(FlaskForm):
    """Who reviewed which text, when, and what they found."""

    text = SelectField(_l("Text reviewed"), validators=[DataRequired(message=_l("Choose the text reviewed."))])
    reviewer = StringField(_l("Reviewer"), validators=[DataRequired(), Length(max=200)])
    reviewer_role = StringField(_l("Reviewer's role"), validators=[DataRequired(), Length(max=200)])
    reviewed_on = DateField(_l("Reviewed on"), validators=[DataRequired(), sensible_date, not_in_future])
    outcome = RadioField(
        _l("Outcome"),
        choices=[SelectChoice(o, REVIEW_OUTCOME[o]) for o in REVIEW_OUTCOMES],
        validators=[DataRequired(message=_l("Say what the review found."))],
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])


@bp.route("/translations", methods=["GET", "POST"])
@requires(ADMIN)
def translations():
    """Each language's interface catalogue, checklist overlays and glossary, and a form to record a review."""
    texts = translated_texts(offered())
    form = ReviewForm()
    form.text.choices = [SelectChoice("", _("— choose a text —"))] + [
        SelectChoice(t.key, f"{LANGUAGES[t.language].name} · {translated_text_label(t)}") for t in texts
    ]
    if form.validate_on_submit():
        text = next(t for t in texts if t.key == form.text.data)  # the choices hold only these
        try:
            record_review(
                text,
                outcome=form.outcome.data,
                reviewer=form.reviewer.data,
                reviewer_role=form.reviewer_role.data,
                reviewed_on=form.reviewed_on.data,
                note=form.note.data or "",
                by=current_user._get_current_object(),
            )
        except ReviewError as exc:
            db.session.rollback()
            form.outcome.errors.append(str(exc))
        else:
            db.session.commit()
            flash(
                _(
                    "Review of %(text)s recorded: its users now see it as %(status)s.",
                    text=f"{LANGUAGES[text.language].name} · {translated_text_label(text)}",
                    status=REVIEW_OUTCOME[form.outcome.data],
                ),
                "success",
            )
            return redirect(url_for("admin.translations"))
    status = 400 if form.errors else 200
    return render_template("admin/translations.html", texts=texts, form=form, languages=LANGUAGES), status
