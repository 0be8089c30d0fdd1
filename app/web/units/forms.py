"""Forms for units and SOPs."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.web.validators import sensible_date, valid_unit_code


class UnitForm(FlaskForm):
    """A new CSI unit: of a jurisdiction profile, or of a jurisdiction named in free text."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), valid_unit_code],
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    jurisdiction_code = SelectField(_l("Jurisdiction profile"), choices=[], default="")
    jurisdiction = StringField(_l("Jurisdiction, if no profile"), validators=[Length(max=120)])

    def __init__(self, *args, profiles: list[tuple[str, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.jurisdiction_code.choices = [("", str(_l("No profile"))), *profiles]

    def validate_jurisdiction(self, field) -> None:
        """Without a profile the unit needs its jurisdiction named."""
        if not self.jurisdiction_code.data and not (field.data or "").strip():
            raise ValidationError(_l("Choose a jurisdiction profile or name the jurisdiction."))


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
