"""Checks every form shares, from the one set of limits in :mod:`app.domain.limits`."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter
from wtforms.validators import ValidationError

from app.domain.limits import EARLIEST_DATE, LATEST_DATE, MAX_INT, LimitError, unit_code


class DatabaseId(IntegerConverter):
    """``<int:...>`` in URLs: numbers a database id can be; larger ones are simply not found."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


def sensible_date(_form, field) -> None:
    """A date between 1900 and 2100."""
    if field.data is not None and not EARLIEST_DATE <= field.data <= LATEST_DATE:
        raise ValidationError(_l("Give a date between %(a)s and %(b)s.", a=EARLIEST_DATE.year, b=LATEST_DATE.year))


def valid_unit_code(_form, field) -> None:
    """A unit code by the one pattern (stored upper-case)."""
    try:
        field.data = unit_code(field.data or "")
    except LimitError:
        # The rule in the reader's words (limits.UNIT_CODE_HELP says it to the command line, in English).
        raise ValidationError(
            _l("A unit code is 1 to 32 characters: letters, digits, '-' and '_', starting with a letter or digit.")
        ) from None


def database_id(value) -> int:
    """Coerce a form value to an id a database column can hold (a SelectField's ``coerce``)."""
    number = int(value)
    if not 0 < number <= MAX_INT:
        raise ValueError("no such item")
    return number
