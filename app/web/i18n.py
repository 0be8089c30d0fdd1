"""Language of each request: the person's own choice, else the browser's, else English; Babel's
locale for it, and checklist text in the same language."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import gettext
from flask_login import current_user

from app.domain.jurisdictions import active_jurisdiction
from app.domain.languages import LANGUAGES, SOURCE, preferred_language
from app.domain.text import active_language, base_language
from app.services.formatting import current_language, regional

#: Where an anonymous person's choice is kept (a signed-in person's is kept with the account).
SESSION_KEY = "language"


def offered() -> list[str]:
    """The language codes this installation offers (LANGUAGES), in the switcher's order."""
    return [code for code in current_app.config["LANGUAGES"] if code in LANGUAGES]


def request_language() -> str:
    """The language of this request: the account's setting, else the one chosen in this session
    (before signing in), else the best the browser asks for, else English."""
    languages = offered()
    if not g.get("_loading_user_for_language"):  # loading the user may itself need a text (why a session ended)
        g._loading_user_for_language = True
        try:
            own = getattr(current_user, "language", None) if current_user.is_authenticated else None
        finally:
            g.pop("_loading_user_for_language", None)
        if own in languages:
            return own
    if session.get(SESSION_KEY) in languages:
        return session[SESSION_KEY]
    browser = preferred_language(request.accept_languages, languages)
    return browser or (SOURCE if SOURCE in languages else languages[0])


class UnknownLanguage(ValueError):
    """A report was asked for in a language this installation does not offer."""


def report_language() -> tuple[str, bool]:
    """The language a PDF is asked for in (``?lang=``, else the page's) and whether English stands beside it (``?bilingual=1``).

    Raises :class:`UnknownLanguage`, with a sentence naming the languages offered, for any other code.
    """
    language = request.args.get("lang") or current_language()
    if language not in offered():
        raise UnknownLanguage(
            gettext(
                "There is no report in the language '%(code)s' here. Languages offered: %(offered)s.",
                code=language[:20],
                offered=", ".join(offered()),
            )
        )
    return language, request.args.get("bilingual") == "1" and base_language(language) != SOURCE


def select_locale() -> str:
    """The Babel locale of the request's language (formats, plurals and its catalogue)."""
    if not has_request_context():  # commands and reports outside a request
        return regional(current_app.config["BABEL_DEFAULT_LOCALE"])
    return regional(request_language())


def select_timezone() -> str:
    """The installation's time zone; a unit's pages and reports print in the unit's (app.services.formatting)."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def register_i18n(app: Flask) -> None:
    """Keep checklist text in the page's language and give templates the current user and the languages."""

    @app.before_request
    def _set_text_language() -> None:
        active_language.set(current_language())
        # No unit's zone or currency until a view loads the unit (app.web.guards); never an
        # earlier request's, as the thread serves another.
        active_jurisdiction.set(None)

    @app.teardown_request
    def _forget_jurisdiction(_error=None) -> None:
        active_jurisdiction.set(None)

    @app.context_processor
    def _inject_user() -> dict:
        return {"current_user": current_user}

    app.jinja_env.globals.update(
        interface_languages=lambda: [LANGUAGES[code] for code in offered()],
    )
