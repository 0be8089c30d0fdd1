"""Upload form for assessment packages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired


class ImportForm(FlaskForm):
    """A JSON package exported by another installation."""

    package = FileField(
        _l("Assessment package (.json)"),
        validators=[
            FileRequired(),
            FileAllowed(["json"], _l("Choose the .json package exported by the other installation.")),
        ],
    )
