"""Administration forms: people, and the audit trail's filters."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from app.models import ROLES
from app.services.labels import ROLE
from app.web.auth.forms import EMAIL_SHAPE
from app.web.validators import database_id


class PersonForm(FlaskForm):
    """Name, role and units; granting Administrator needs a tick that says what it means."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    # No default: a role is a decision, never what the list happened to show first.
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice("", _l("— choose a role —")), *(SelectChoice(r, ROLE[r]) for r in ROLES)],
        validators=[DataRequired(message=_l("Choose a role."))],
    )
    units = SelectMultipleField(_l("Units"), coerce=database_id)
    confirm_admin = BooleanField(
        _l("I understand: an administrator sees and may change every unit's data and every account.")
    )
    #: Asked only when the administrator's last code is not recent and the role or units change.
    second_factor_code = StringField(
        _l("Your authenticator code"),
        validators=[Optional(), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false"},
    )

    def validate_confirm_admin(self, field) -> None:
        if self.role.data == "admin" and not field.data:
            raise ValidationError(_l("Tick this to grant Administrator."))


class NewUserForm(PersonForm):
    """A new account: a temporary password is made and shown once."""

    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Regexp(EMAIL_SHAPE, message=_l("Enter an email address.")), Length(max=254)],
    )


class AuditFilterForm(FlaskForm):
    """Which events to show."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    user = StringField(_l("User's email"), validators=[Length(max=254)])
    event = SelectField(_l("Event"), validate_choice=False)
    assessment = StringField(_l("Assessment"), validators=[Length(max=10)])
