"""Forms an administrator fills in to set up a programme."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.web.validators import database_id


class ProgrammeForm(FlaskForm):
    """A new programme."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])


class ProgrammeUnitForm(FlaskForm):
    """A unit joining the programme."""

    unit = SelectField(_l("Unit"), coerce=database_id, validators=[DataRequired()])


class ProgrammeMemberForm(FlaskForm):
    """Programme staff or an expert assigned to the programme."""

    person = SelectField(_l("Person"), coerce=database_id, validators=[DataRequired()])


class RoundForm(FlaskForm):
    """A new round of the programme."""

    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=40)])
