"""Language of each request: Babel's locale, and checklist text in the same language."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from app.domain.jurisdictions import active_jurisdiction
from app.domain.text import active_language
from app.services.formatting import language_tag, regional


def select_locale() -> str:
    """The best of the configured languages for this request, with its regional formats."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # commands and reports outside a request
        return regional(current_app.config["BABEL_DEFAULT_LOCALE"])
    return regional(request.accept_languages.best_match(languages) or languages[0])


def select_timezone() -> str:
    """The installation's time zone; a unit's pages and reports print in the unit's (app.services.formatting)."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def register_i18n(app: Flask) -> None:
    """Keep checklist text in the page's language and give templates the current user."""

    @app.before_request
    def _set_text_language() -> None:
        active_language.set(language_tag(get_locale()))
        # No unit's zone or currency until a view loads the unit (app.web.guards); never an
        # earlier request's, as the thread serves another.
        active_jurisdiction.set(None)

    @app.teardown_request
    def _forget_jurisdiction(_error=None) -> None:
        active_jurisdiction.set(None)

    @app.context_processor
    def _inject_user() -> dict:
        return {"current_user": current_user}
