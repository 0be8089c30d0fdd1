"""Sign-in form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Length, Regexp

#: What an email address looks like, loosely: internal domains are fine.
EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+$"


class LoginForm(FlaskForm):
    """Email and password."""

    # No format check beyond "something@something": closed police networks use internal
    # domains (name@unit.local, admin@localhost) that strict validators refuse.
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Regexp(EMAIL_SHAPE, message=_l("Enter an email address.")), Length(max=254)],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this computer"))
