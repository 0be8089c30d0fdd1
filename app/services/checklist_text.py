"""Checklist text on pages: in the reader's language, visibly marked where it falls back to English.

A field its language's overlay does not translate (yet, or any more: a stale entry) shows in
the checklist's own language. The reader must see that, and a screen reader must read it
with the right voice: the text carries ``lang="en"`` and a small marker names the language.
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.domain.text import Text, active_language


def checklist_text(text: Text | str | None) -> Markup:
    """A checklist text for a template, in the active language; marked when it falls back to another."""
    if text is None:
        return Markup("")
    if not isinstance(text, Text):
        return escape(text)
    language = active_language.get()
    if not text.falls_back(language):
        return escape(text.in_language(language))
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
