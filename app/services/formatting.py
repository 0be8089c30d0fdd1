"""Formatting for templates (pages and reports): numbers, dates, score bands and labels."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale
from markupsafe import Markup

from app.services.labels import CONSEQUENCE, CRITICALITY, KIND, PRIORITY_BAND, ROLE, STATUS

NO_VALUE = "–"


def percent(value: float | None, digits: int = 0) -> str:
    """0.734 -> '73%' in the current locale; None -> a dash."""
    if value is None:
        return NO_VALUE
    return format_percent(value, format="#,##0%" if digits == 0 else "#,##0." + "0" * digits + "%")


def decimal(value: float | None, digits: int = 1) -> str:
    """A number with ``digits`` decimals in the current locale; None -> a dash."""
    if value is None:
        return NO_VALUE
    return format_decimal(value, format="#,##0." + "0" * digits if digits else "#,##0")


def date(value) -> str:
    """A date in the locale's medium format; None -> a dash."""
    return format_date(value, "medium") if value else NO_VALUE


def datetime(value) -> str:
    """A date and time in the locale's medium format; None -> a dash."""
    return format_datetime(value, "medium") if value else NO_VALUE


def score_band(value: float | None) -> str:
    """A CSS class for a score: how the eye tells good from bad at a glance."""
    if value is None:
        return "band-none"
    if value >= 0.8:
        return "band-good"
    if value >= 0.5:
        return "band-fair"
    return "band-poor"


BAND_COLOURS = {"band-good": "#2e7d5b", "band-fair": "#c98a0b", "band-poor": "#c0392b", "band-none": "#98a2b3"}


def band_colour(value: float | None) -> str:
    """The fill colour of a score's band, for SVG charts."""
    return BAND_COLOURS[score_band(value)]


def css_string(value: str) -> Markup:
    """A value as a quoted CSS string, for generated content in stylesheets."""
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return Markup(f'"{escaped}"')


def register_formatting(app: Flask) -> None:
    """Install the filters and label helpers every template may use."""
    app.jinja_env.filters.update(
        percent=percent,
        decimal=decimal,
        date=date,
        datetime=datetime,
        band=score_band,
        band_colour=band_colour,
        css_string=css_string,
    )
    app.jinja_env.globals.update(
        get_locale=get_locale,
        criticality_label=lambda key: CRITICALITY.get(key, key),
        consequence_label=lambda key: CONSEQUENCE.get(key, key),
        status_label=lambda key: STATUS.get(key, key),
        kind_label=lambda key: KIND.get(key, key),
        role_label=lambda key: ROLE.get(key, key),
        band_label=lambda key: PRIORITY_BAND.get(key, key),
    )
