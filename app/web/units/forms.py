"""Forms for units and SOPs."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.web.validators import sensible_date, valid_unit_code


class UnitForm(FlaskForm):
    """A new CSI unit."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), valid_unit_code],
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    jurisdiction = StringField(_l("Jurisdiction"), validators=[DataRequired(), Length(max=120)])


class SopForm(FlaskForm):
    """An entry of the SOP register."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    version = StringField(_l("Version"), validators=[DataRequired(), Length(max=40)])
    issued_on = DateField(_l("Issued on"), validators=[Optional(), sensible_date])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])


class SopImportForm(FlaskForm):
    """An SOP file to import into the register (a new code adds an entry, a new version keeps the earlier)."""

    file = FileField(_l("File (PDF, DOCX, ODT, .txt or .md)"), validators=[FileRequired()])
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    version = StringField(_l("Version"), validators=[Optional(), Length(max=40)])
    issued_on = DateField(_l("Issued on"), validators=[Optional(), sensible_date])
