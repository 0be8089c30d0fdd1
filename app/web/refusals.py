"""Refusals: one JSON body for every script that saves, the error page for browsers.

Every JSON refusal is ``{"ok": false, "error": CODE, "message": TEXT}``, plus what applies to
the case: ``errors`` by field (invalid), ``theirs`` and ``version`` (conflict), ``sign_in``
(signed out), ``retry_after`` (throttled), ``reference`` (server error). CODE is stable:
scripts branch on it. TEXT is for a person and says what to do. The codes are listed in the
README ("Refusals").
"""

from __future__ import annotations

import secrets
from enum import StrEnum

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import escape

from app.extensions import db
from app.services.assessment.busy import is_busy  # noqa: F401  (the web's handlers import it from here)


class Refusal(StrEnum):
    """Stable codes of JSON refusals: scripts branch on them, people read the message."""

    BAD_REQUEST = "bad_request"
    CSRF_EXPIRED = "csrf_expired"
    SIGNED_OUT = "signed_out"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"  # someone else saved this since it was loaded
    STAGE_MOVED = "stage_moved"  # the assessment moved to a stage where this cannot be done
    BUSY = "busy"  # the database stayed busy through the server's retries: try again
    TOO_LARGE = "too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"  # a body the address does not take (JSON to a form)
    INVALID = "invalid"  # field errors, in "errors"
    THROTTLED = "throttled"
    SERVER_ERROR = "server_error"


#: The code of a refusal by its HTTP status, when nothing more precise is known.
CODE_OF_STATUS = {
    400: Refusal.BAD_REQUEST,
    401: Refusal.SIGNED_OUT,
    403: Refusal.FORBIDDEN,
    404: Refusal.NOT_FOUND,
    405: Refusal.METHOD_NOT_ALLOWED,
    409: Refusal.STAGE_MOVED,
    413: Refusal.TOO_LARGE,
    415: Refusal.UNSUPPORTED_MEDIA_TYPE,
    422: Refusal.INVALID,
    429: Refusal.THROTTLED,
    500: Refusal.SERVER_ERROR,
}


def wants_json() -> bool:
    """True for the pages' scripts (they ask for JSON), False for a browser's own requests."""
    return request.accept_mimetypes.best == "application/json" or request.is_json


def refusal(status: int, code: Refusal, message: str, **extra) -> tuple[dict, int]:
    """The JSON body of a refusal and its status."""
    return {"ok": False, "error": code.value, "message": str(message), **extra}, status


def refused_answer(status: int, code: Refusal, message: str, **extra):
    """A refusal as the caller wants it: JSON for scripts, the error page for browsers."""
    if wants_json():
        return refusal(status, code, message, **extra)
    return error_page(status, message)


def error_page(status: int, message: str):
    """The error page; a bare page when even rendering fails (the database may be the trouble)."""
    try:
        return render_template("error.html", code=status, message=message), status
    except Exception:  # the page needs the signed-in user, which needs the database
        current_app.logger.exception("the error page itself failed")
        db.session.rollback()
        return f"<!doctype html><title>{status}</title><h1>{escape(message)}</h1>", status


def signed_out_message() -> str:
    """What a script's user reads when the session has ended."""
    return _(
        "You are signed out, so this was not saved. Your input is kept on the page and in this browser: "
        "sign in again (in a new tab), then come back and save."
    )


def signed_out():
    """401 for a script whose session has ended: the page keeps the input and offers to sign in."""
    return refusal(401, Refusal.SIGNED_OUT, signed_out_message(), sign_in=url_for("auth.login"))


def busy():
    """409 busy: nothing was saved, and saving again in a moment will do."""
    if wants_json():
        return refusal(
            409,
            Refusal.BUSY,
            _("The database was busy, so this was not saved. Your input is kept; it is saved again in a moment."),
        )
    return error_page(409, _("The database was busy, so nothing was saved. Go back and send it again in a moment."))


def server_error(error: BaseException | None, *, logged: bool):
    """500: roll back, log with a reference the person can quote, answer without details."""
    db.session.rollback()
    reference = secrets.token_hex(4)
    where = f"{request.method} {request.path}"
    if logged:  # Flask has logged the traceback just before
        current_app.logger.error("Server error %s on %s (traceback above)", reference, where)
    else:
        current_app.logger.error("Server error %s on %s", reference, where, exc_info=error)
    if wants_json():
        message = _(
            "Something went wrong on the server, so this was not saved. Your input is kept; save again in a "
            "moment. If it happens again, tell your administrator the reference %(ref)s.",
            ref=reference,
        )
        return refusal(500, Refusal.SERVER_ERROR, message, reference=reference)
    message = _(
        "Something went wrong on the server, and nothing was saved. Go back and try again in a moment. "
        "If it happens again, tell your administrator the reference %(ref)s.",
        ref=reference,
    )
    return error_page(500, message)
