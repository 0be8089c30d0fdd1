"""Formatting for templates (pages and reports): numbers, dates, score bands and labels."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask import Flask
from flask_babel import (
    force_locale,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    get_locale,
    gettext,
    ngettext,
)
from markupsafe import Markup

from app.domain.jurisdiction_names import footnotes as jurisdiction_footnotes
from app.domain.jurisdiction_names import printed_jurisdiction
from app.domain.jurisdictions import active_jurisdiction
from app.domain.languages import LANGUAGES, SOURCE, of_locale
from app.domain.scoring import Summary, shown_score
from app.domain.text import active_language, base_language
from app.services import labels
from app.services.checklist_text import bilingual, checklist_text, english_beside
from app.services.event_labels import change_value, event_label, field_label

NO_VALUE = "–"


def regional(language: str) -> str:
    """The Babel locale that formats and translates for ``language`` (a code of the app's languages):
    ``en`` -> ``en_GB`` (read in Europe: 30 Nov 2026), ``cnr`` -> ``sr_Latn_ME``."""
    known = LANGUAGES.get(language)
    return known.locale if known is not None else language


@contextmanager
def in_report_language(language: str, *, bilingual: bool = False) -> Iterator[None]:
    """Within the block, write a report in ``language`` (a code of the app's languages): the interface's
    words, dates and numbers, and the checklist's texts; with English beside them when ``bilingual``
    and the language is not English already."""
    token = active_language.set(language)
    try:
        with force_locale(regional(language)), english_beside(bilingual and base_language(language) != SOURCE):
            yield
    finally:
        active_language.reset(token)


def language_tag(locale) -> str:
    """A Babel locale as a BCP 47 tag (``en-GB``, ``sr-Latn-ME``), for ``<html lang>``: the tag
    screen readers and the browser's date and plural rules know (``cnr`` is newer than most)."""
    return str(locale).replace("_", "-")


def current_language() -> str:
    """The code of the language being rendered now (``cnr``, ``sr-Latn``, ``en``)."""
    locale = get_locale()
    known = of_locale(str(locale)) if locale is not None else None
    return known.code if known is not None else SOURCE


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


def signed(value: float | None, digits: int = 2) -> str:
    """A difference with its sign: +0.40, −0.25; None -> a dash."""
    if value is None:
        return NO_VALUE
    text = decimal(abs(value), digits)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def date(value) -> str:
    """A date in the locale's medium format; None -> a dash."""
    return format_date(value, "medium") if value else NO_VALUE


def datetime(value) -> str:
    """A date and time in the locale's medium format; None -> a dash.

    In the time zone of the unit whose page or report this is (its jurisdiction profile's),
    else the installation's. Stored times are UTC.
    """
    if not value:
        return NO_VALUE
    profile = active_jurisdiction.get()
    if profile is None:
        return format_datetime(value, "medium")
    return babel_dates.format_datetime(value, "medium", tzinfo=ZoneInfo(profile.time_zone), locale=get_locale())


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


def withheld_reason(summary: Summary) -> str | None:
    """Why an overall score is not shown: "Not enough evidence for an overall score (18 of 282 requirements
    decided)"; None when it may be shown (half or more of the applicable requirements scored from evidence)."""
    if summary.sufficient:
        return None
    return ngettext(
        "Not enough evidence for an overall score (%(decided)s of %(num)s requirement decided)",
        "Not enough evidence for an overall score (%(decided)s of %(num)s requirements decided)",
        summary.applicable,
        decided=summary.assessed,
    )


def css_string(value: str) -> Markup:
    """A value as a quoted CSS string, for generated content in stylesheets."""
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return Markup(f'"{escaped}"')


def round_name(found) -> str:
    """``Western Balkans CSI SOP assessment, round 2026`` in the reader's language (a Round)."""
    return gettext("%(programme)s, round %(label)s", programme=found.programme.name, label=found.label)


def register_formatting(app: Flask) -> None:
    """Install the filters and label helpers every template may use."""
    app.jinja_env.filters.update(
        percent=percent,
        decimal=decimal,
        date=date,
        datetime=datetime,
        signed=signed,
        band=score_band,
        band_colour=band_colour,
        css_string=css_string,
        jurisdiction=printed_jurisdiction,
        checklist_text=checklist_text,
    )
    app.jinja_env.globals.update(
        get_locale=get_locale,
        language_tag=lambda: language_tag(get_locale()),
        current_language=current_language,
        event_label=event_label,
        field_label=field_label,
        change_value=change_value,
        withheld_reason=withheld_reason,
        shown_score=shown_score,
        round_name=round_name,
        bi=bilingual,
        scale_label=labels.level_label,
        module_title=labels.module_title,
        jurisdiction_footnotes=jurisdiction_footnotes,
        cost_currency=labels.cost_currency,
        **{f"{name}_label": _labeller(vocabulary) for name, vocabulary in LABELS.items()},
    )


#: Template helpers ``<name>_label(key)`` for each vocabulary.
LABELS = {
    "criticality": labels.CRITICALITY,
    "consequence": labels.CONSEQUENCE,
    "stage": labels.STAGE,
    "status": labels.STAGE,
    "scope": labels.SCOPE,
    "basis": labels.BASIS,
    "state": labels.STATE,
    "stance": labels.STANCE,
    "finding": labels.FINDING,
    "effort": labels.EFFORT,
    "cost": labels.COST,
    "action_status": labels.ACTION_STATUS,
    "role": labels.ROLE,
    "band": labels.PRIORITY_BAND,
    "kappa": labels.KAPPA,
    "signature": labels.SIGNATURE,
    "carry": labels.CARRY,
    "language": labels.LANGUAGE,
    "eu_status": labels.EU_STATUS,
    "law": labels.LAW,
    "translation_status": labels.TRANSLATION_STATUS,
    "review_outcome": labels.REVIEW_OUTCOME,
}


def _labeller(vocabulary: dict):
    return lambda key: vocabulary.get(key, key or "–")
