"""Administration forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from app.models import ROLES
from app.services.labels import ROLE
from app.web.auth.forms import EMAIL_SHAPE
from app.web.validators import database_id


class UserForm(FlaskForm):
    """A new user with a role and units."""

    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Regexp(EMAIL_SHAPE, message=_l("Enter an email address.")), Length(max=254)],
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE[r]) for r in ROLES])
    units = SelectMultipleField(_l("Units"), coerce=database_id)
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(min=10, max=200)])
