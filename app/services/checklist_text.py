"""Checklist text on pages: in the reader's language, visibly marked where it falls back to English.

A field its language's overlay does not translate (yet, or any more: a stale entry) shows in
the checklist's own language. The reader must see that, and a screen reader must read it
with the right voice: the text carries ``lang="en"`` and a small marker names the language.

A bilingual report (the local language with English beside it, for the regional expert) sets
:data:`beside_english` while it renders: every translated checklist text and every heading
written with :func:`bilingual` then carries its English after it, marked ``lang="en"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from babel import Locale, UnknownLocaleError
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.domain.text import Text, active_language

#: A heading's number ("4. "), which the English beside it need not repeat.
_NUMBERED = re.compile(r"^\d+\.\s+")

#: True while a bilingual report renders: translated texts and headings show their English beside them.
beside_english: ContextVar[bool] = ContextVar("beside_english", default=False)


@contextmanager
def english_beside(on: bool) -> Iterator[None]:
    """Render, within the block, with English beside every translated text (``on``) or without."""
    token = beside_english.set(on)
    try:
        yield
    finally:
        beside_english.reset(token)


def _with_english(shown: Markup, english: str) -> Markup:
    return Markup('{shown} <span class="beside-en" lang="en">{english}</span>').format(shown=shown, english=english)


def bilingual(message: str) -> Markup:
    """A fixed heading or label of a report (its English is its message id): translated, with the English beside it in a bilingual report."""
    # A message without placeholders from the catalogue is trusted text, as Jinja's own gettext treats it.
    shown = _(message)
    if beside_english.get() and shown != message:
        number = _NUMBERED.match(message)
        if number and shown.startswith(number.group(0)):  # "4. Kalibracija / Calibration", not "/ 4. Calibration"
            message = message[number.end() :]
        return _with_english(Markup(shown), Markup(message))
    return Markup(shown)


def checklist_text(text: Text | str | None) -> Markup:
    """A checklist text for a template, in the active language; marked when it falls back to another."""
    if text is None:
        return Markup("")
    if not isinstance(text, Text):
        return escape(text)
    language = active_language.get()
    if not text.falls_back(language):
        shown = escape(text.in_language(language))
        if beside_english.get() and text.is_translation(language):
            return _with_english(shown, text.source)
        return shown
    shown = text.language_for(language)
    name = language_name(shown)
    return Markup(
        '<span class="fallback"><span lang="{lang}">{text}</span> '
        '<small class="fallback-mark" title="{title}">{name}</small></span>'
    ).format(
        lang=shown,
        text=text.in_language(language),
        title=_("Not translated into this language yet: shown in %(language)s", language=name),
        name=name,
    )


def language_name(tag: str) -> str:
    """A language's name in the interface language (``engleski`` for ``en`` on a Serbian page)."""
    try:
        return Locale.parse(tag.replace("-", "_")).get_display_name(get_locale()) or tag
    except (UnknownLocaleError, ValueError):
        return tag
