"""Upload form for assessment packages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from app.domain.scoring import Scope
from app.services.labels import SCOPE

#: The scope choice meaning "as the package says" (a package without one is then refused, asking).
AS_PACKAGED = ""


class ImportForm(FlaskForm):
    """A JSON package exported by another installation."""

    package = FileField(
        _l("Assessment package (.json)"),
        validators=[
            FileRequired(),
            FileAllowed(["json"], _l("Choose the .json package exported by the other installation.")),
        ],
    )
    scope = RadioField(
        _l("Scope"),
        choices=[
            SelectChoice(AS_PACKAGED, _l("As the package says")),
            *(SelectChoice(s.value, SCOPE[s]) for s in Scope),
        ],
        default=AS_PACKAGED,
    )
