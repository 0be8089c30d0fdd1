"""Keeping a session alive while a person types, and telling the page when it will end.

A session ends after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after
sign-in (app/web/auth/views.py). Typing is not a request: the pages' script calls
:func:`alive` at most once a minute while someone types, and warns before the end.
"""

from __future__ import annotations

import time

from flask import Blueprint, Flask, current_app, render_template, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.web.decisions import SIGNED_IN, requires

bp = Blueprint("session", __name__)


def seconds_left() -> dict[str, int]:
    """Seconds until the session ends for lack of activity (idle) and at the latest (max)."""
    now = time.time()
    config = current_app.config
    seen = session.get("seen_at", now)
    signed_in = session.get("signed_in_at", now)
    return {
        "idle": max(0, int(seen + config["SESSION_IDLE_MINUTES"] * 60 - now)),
        "max": max(0, int(signed_in + config["SESSION_MAX_HOURS"] * 3600 - now)),
        "idle_limit": int(config["SESSION_IDLE_MINUTES"] * 60),
    }


@bp.get("/session/alive")
@requires(SIGNED_IN)
def alive():
    """Count as activity; answer how long the session has left and a current form token.

    The token lets a page opened before a new sign-in (which starts a fresh session with a new
    token) save again without a reload that would lose what was typed.
    """
    return {"ok": True, "csrf_token": generate_csrf(), **seconds_left()}


@bp.get("/session/status")
@requires(SIGNED_IN)
def status():
    """As :func:`alive`, without counting as activity: a page left open must not keep its session."""
    return {"ok": True, "csrf_token": generate_csrf(), **seconds_left()}


@bp.get("/session/signed-in")
@requires(SIGNED_IN)
def signed_in():
    """Where signing in from a page whose session ended leads: back to that page's tab."""
    return render_template("auth/signed_in_again.html")


def register_session_status(app: Flask) -> None:
    """The endpoint, and what the pages need to know to warn before the session ends."""
    app.register_blueprint(bp)

    @app.context_processor
    def _session_ends() -> dict:
        def session_ends() -> dict[str, int]:
            return seconds_left() if current_user.is_authenticated else {}

        return {"session_ends": session_ends}
