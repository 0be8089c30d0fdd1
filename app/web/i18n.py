"""Language of each request: Babel's locale, and checklist text in the same language."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from app.domain.text import active_language
from app.services.formatting import language_tag, regional


def select_locale() -> str:
    """The best of the configured languages for this request, with its regional formats."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # commands and reports outside a request
        return regional(current_app.config["BABEL_DEFAULT_LOCALE"])
    return regional(request.accept_languages.best_match(languages) or languages[0])


def select_timezone() -> str:
    """All users see times in the installation's time zone."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def register_i18n(app: Flask) -> None:
    """Keep checklist text in the page's language and give templates the current user."""

    @app.before_request
    def _set_text_language() -> None:
        active_language.set(language_tag(get_locale()))

    @app.context_processor
    def _inject_user() -> dict:
        return {"current_user": current_user}
