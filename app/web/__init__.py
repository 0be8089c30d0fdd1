"""Web layer: blueprints, forms and templates. Thin: views call services and render."""

from __future__ import annotations

from flask import Flask, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.domain.limits import control_character
from app.extensions import db, login_manager
from app.services.accounts.audit import record
from app.services.accounts.second_factor import needs_setup as needs_second_factor
from app.web.i18n import register_i18n
from app.web.validators import DatabaseId

#: Endpoints reachable without signing in; everything else is refused to anonymous users.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.second_factor", "static"})
#: Only the app's own scripts, styles and images; no plugins, no <base>, forms post only here, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: All a user with a temporary password may reach until they choose their own.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.password", "auth.logout", "static"})
#: All a role that must have a second factor may reach until it is set up.
SECOND_FACTOR_SETUP_ENDPOINTS = frozenset({"auth.setup_second_factor", "auth.logout", "static"})


def register_web(app: Flask) -> None:
    """Blueprints, the sign-in guard, error pages and template helpers."""
    from app.web import admin, assessments, auth, dashboard, exchange, reports, units

    app.url_map.converters["int"] = DatabaseId
    for module in (auth, dashboard, units, assessments, reports, exchange, admin):
        app.register_blueprint(module.bp)
    register_i18n(app)

    @app.before_request
    def _require_sign_in():
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            if _wants_json():  # autosave: say so, so the page can keep the input and ask to sign in
                return {"error": _("You are signed out. Your input is kept on the page; sign in again.")}, 401
            return login_manager.unauthorized()
        if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
            return redirect(url_for("auth.password"))
        if needs_second_factor(current_user) and request.endpoint not in SECOND_FACTOR_SETUP_ENDPOINTS:
            return redirect(url_for("auth.setup_second_factor"))
        return None

    @app.before_request
    def _refuse_control_characters():
        # PostgreSQL cannot store a NUL byte and no field needs a control character: refuse
        # them here, once, whatever the form, with the field named.
        for source in (request.args, request.form):
            for name, value in source.items(multi=True):
                bad = control_character(value)
                if bad:
                    field = name.rsplit("-", 1)[-1]
                    abort(
                        400,
                        description=_(
                            "The field '%(field)s' contains a control character (%(char)s). Nothing was saved; "
                            "remove it and try again.",
                            field=field,
                            char=bad,
                        ),
                    )
        return None

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static":
            # Casework pages and reports stay out of browser and proxy caches (shared computers).
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        message = _(
            "The form had expired or was sent from elsewhere. Nothing was saved; reload the page and try again."
        )
        # A forged request and a page left open for days look alike here: record both.
        record("access.csrf_refused", summary=f"{request.method} {request.path}: {error.description}"[:500])
        db.session.commit()
        return _error_page(400, message, error)

    for code, message in (
        (400, lambda: _("The request was not understood. Nothing was saved.")),
        (403, lambda: _("You do not have permission to do this.")),
        (404, lambda: _("There is nothing here, or you may not see it.")),
        (405, lambda: _("This address does not take that kind of request.")),
        (409, lambda: _("This cannot be done at the assessment's current stage.")),
        (413, lambda: _("The file is too large.")),
        (429, lambda: _("Too many requests at once. Wait a minute and try again.")),
    ):
        app.register_error_handler(code, lambda error, c=code, m=message: _error_page(c, _told(error, m), error))


def _told(error, default):
    """The message a view gave with abort(), else the page's own default."""
    given = getattr(error, "description", None)
    return given if given and given != type(error).description else default()


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json


def _error_page(code: int, message: str, error):
    if _wants_json():
        return {"error": message}, code
    return render_template("error.html", code=code, message=message), code
