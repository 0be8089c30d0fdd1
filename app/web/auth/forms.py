"""Sign-in and password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from app.services.accounts.users import MIN_PASSWORD_LENGTH

#: What an email address looks like, loosely: internal domains are fine.
EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+$"


class LoginForm(FlaskForm):
    """Email and password (no "keep me signed in": a session ends with the browser or a sign-out)."""

    # No format check beyond "something@something": closed police networks use internal
    # domains (name@unit.local, admin@localhost) that strict validators refuse.
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Regexp(EMAIL_SHAPE, message=_l("Enter an email address.")), Length(max=254)],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    """The current password and a new one, twice."""

    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)])
    confirm = PasswordField(
        _l("New password again"), validators=[DataRequired(), EqualTo("new", message=_l("The two do not match."))]
    )


class CodeForm(FlaskForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(message=_l("Enter the code.")), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True, "spellcheck": "false"},
    )
