"""Web layer: blueprints, forms and templates. Thin: views call services and render."""

from __future__ import annotations

from flask import Flask, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import InternalServerError

from app.extensions import db, login_manager
from app.services.accounts.audit import record
from app.services.accounts.second_factor import needs_setup as needs_second_factor
from app.web.i18n import UnknownLanguage, register_i18n
from app.web.input_boundary import register_input_boundary
from app.web.page_texts import ENDPOINT as PAGE_TEXTS
from app.web.page_texts import register_page_texts
from app.web.refusals import (
    CODE_OF_STATUS,
    Refusal,
    busy,
    error_page,
    is_busy,
    refusal,
    refused_answer,
    server_error,
    signed_out,
    wants_json,
)
from app.web.session_status import register_session_status
from app.web.validators import DatabaseId

#: Endpoints reachable without signing in; everything else is refused to anonymous users.
PUBLIC_ENDPOINTS = frozenset(
    {"auth.login", "auth.second_factor", "languages.switch", "languages.status", "static", PAGE_TEXTS}
)
#: Endpoints whose answers browsers may keep: files that never hold casework.
CACHED_ENDPOINTS = frozenset({"static", PAGE_TEXTS})
#: Only the app's own scripts, styles and images; no plugins, no <base>, forms post only here, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: All a user with a temporary password may reach until they choose their own.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.password", "auth.logout", "session.alive", "static"})
#: All a role that must have a second factor may reach until it is set up.
SECOND_FACTOR_SETUP_ENDPOINTS = frozenset(
    {"auth.setup_second_factor", "auth.logout", "session.alive", "session.status", "static"}
)


def register_web(app: Flask) -> None:
    """Blueprints, the sign-in guard, error pages and template helpers."""
    from app.web import admin, assessments, auth, dashboard, exchange, languages, programmes, reports, units

    app.url_map.converters["int"] = DatabaseId
    for module in (auth, dashboard, units, assessments, reports, exchange, programmes, admin, languages):
        app.register_blueprint(module.bp)
    register_i18n(app)
    languages.register_languages(app)
    register_session_status(app)
    register_page_texts(app)
    register_input_boundary(app)

    @app.before_request
    def _require_sign_in():
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            if wants_json():  # autosave: say so, so the page can keep the input and ask to sign in
                return signed_out()
            return login_manager.unauthorized()
        if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
            if wants_json():
                message = _("Choose a new password first (in a new tab); your input is kept on the page.")
                return refusal(403, Refusal.FORBIDDEN, message)
            return redirect(url_for("auth.password"))
        if needs_second_factor(current_user) and request.endpoint not in SECOND_FACTOR_SETUP_ENDPOINTS:
            if wants_json():
                message = _("Set up your second factor first (in a new tab); your input is kept on the page.")
                return refusal(403, Refusal.FORBIDDEN, message)
            return redirect(url_for("auth.setup_second_factor"))
        return None

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint not in CACHED_ENDPOINTS:
            # Casework pages and reports stay out of browser and proxy caches (shared computers).
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(429)
    def _throttled(error):
        # Sign-in throttling answers on its own page (app.web.auth.views.throttled); this is for
        # anything else refused as too many at once.
        wait = 60
        message = _("Too many requests at once, so this was not done. Your input is kept; try again in a minute.")
        response = app.make_response(refused_answer(429, Refusal.THROTTLED, _given(error) or message, retry_after=wait))
        response.headers["Retry-After"] = str(wait)
        return response

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        # A forged request and a page left open for days look alike here: record both.
        record("access.csrf_refused", summary=f"{request.method} {request.path}: {error.description}"[:500])
        db.session.commit()
        if wants_json():  # the page fetches a fresh token and sends again; it says so if that fails
            message = _(
                "The page's security token has expired (you signed in again, or signed out), so this was not "
                "saved. Your input is kept on the page: save again, or copy it and reload the page."
            )
        else:
            message = _(
                "The form had expired or was sent from elsewhere. Nothing was saved; reload the page and try again."
            )
        return refused_answer(400, Refusal.CSRF_EXPIRED, message)

    @app.errorhandler(UnknownLanguage)
    def _unknown_language(error):
        # A PDF asked for (?lang=) in a language the installation does not offer: the sentence names those it does.
        return refused_answer(400, Refusal.BAD_REQUEST, str(error))

    @app.errorhandler(OperationalError)
    def _database_error(error):
        db.session.rollback()
        if is_busy(error):
            app.logger.warning("Database busy on %s %s: %s", request.method, request.path, error.orig)
            return busy()
        return server_error(error, logged=False)

    @app.errorhandler(InternalServerError)
    def _server_error(error):
        original = getattr(error, "original_exception", None)
        if isinstance(original, OperationalError) and is_busy(original):
            db.session.rollback()
            return busy()
        return server_error(original, logged=original is not None)

    for code, page_message, json_message in (
        (
            400,
            lambda: _("The request was not understood. Nothing was saved; go back, reload the page and try again."),
            lambda: _(
                "The request was not understood, so this was not saved. Your input is kept on the page: copy what "
                "you want to keep, then reload."
            ),
        ),
        (
            403,
            lambda: _("You do not have permission to do this. Ask an administrator if you should."),
            lambda: _(
                "You may not change this, so it was not saved. Your input is kept on the page; ask an "
                "administrator if you should be able to."
            ),
        ),
        (
            404,
            lambda: _("There is nothing here, or you may not see it."),
            lambda: _(
                "This is no longer there, or you may no longer see it, so it was not saved. Your input is kept "
                "on the page: copy what you want to keep, then reload."
            ),
        ),
        (
            405,
            lambda: _("This address does not take that kind of request. Go back and use the page's own buttons."),
            None,
        ),
        (
            409,
            lambda: _("This cannot be done at the assessment's current stage. Reload the page to see where it stands."),
            lambda: _("This cannot be done at the assessment's current stage."),
        ),
        (
            415,
            lambda: _("This address takes a form. Nothing was saved; go back and send it from the page's own form."),
            lambda: _("This address takes a form, so nothing was saved. Your input is kept on the page."),
        ),
        (
            413,
            lambda: _(
                "The file is too large: at most %(size)s. Nothing was stored; send a smaller file.",
                size=_size(g.get("upload_limit") or request.max_content_length or 0),
            ),
            lambda: _(
                "This is too large to save at once (at most %(mb)s MB), so it was not saved. Your input is "
                "kept; shorten the longest text and save again.",
                mb=(app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024),
            ),
        ),
    ):
        app.register_error_handler(
            code,
            lambda error, c=code, p=page_message, j=json_message: _refused(c, error, p, j),
        )


def _refused(code: int, error, page_message, json_message):
    """A refusal made with abort(): the view's own message when it gave one, else the default."""
    told = _given(error)
    if not wants_json():
        return error_page(code, told or page_message())
    message = told or (json_message or page_message)()
    if code == 409:  # a stage move made meanwhile: the page keeps the input
        message = _(
            "%(why)s Nothing was saved. Your input is kept on the page: copy what you want to keep, then reload "
            "to see the assessment as it is now.",
            why=message,
        )
    return refusal(code, CODE_OF_STATUS[code], message)


def _given(error) -> str | None:
    given = getattr(error, "description", None)
    return given if given and given != type(error).description else None


def _size(size: int) -> str:
    """A size limit as people read it: "20 MB", or "50 KB" below a megabyte."""
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"
