"""Sign-in, sign-out and one's own password.

A session holds the user's id and session token; a new token (sign-out, password change or
reset, disabling, role or unit change) ends every session of that user. Failed sign-ins are
throttled per address and per account (whether the account exists or not, so the answer
tells nothing about which emails are registered).
"""

from __future__ import annotations

import hmac
import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from app.extensions import db, login_manager
from app.models import User
from app.services.accounts import sign_in_throttle as throttle
from app.services.accounts.audit import record
from app.services.accounts.users import MIN_PASSWORD_LENGTH, UserError, authenticate, change_password, normalise_email
from app.services.formatting import datetime
from app.web.auth import known_device
from app.web.auth.forms import LoginForm, PasswordForm
from app.web.decisions import PUBLIC, SIGNED_IN, requires
from app.web.i18n import SESSION_KEY as LANGUAGE_KEY
from app.web.refusals import Refusal, refused_answer

bp = Blueprint("auth", __name__)

#: Requests that do not count as activity: a page asking whether its session is still there.
NOT_ACTIVITY = frozenset({"session.status"})

login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"
login_manager.login_message = None  # the sign-in page speaks for itself; an ended session says why (below)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The signed-in user, if the session's token is still the user's current one."""
    user_id, _sep, token = session_id.partition(":")
    if not user_id.isdigit() or len(user_id) > 10 or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
        return None
    return user if _session_alive() else None


def _session_alive() -> bool:
    """Whether this session is within its idle and absolute limits; keeps its last-seen time."""
    now = time.time()
    signed_in, seen = session.get("signed_in_at"), session.get("seen_at")
    if not isinstance(signed_in, int | float) or not isinstance(seen, int | float):
        return False
    config = current_app.config
    if now - signed_in > config["SESSION_MAX_HOURS"] * 3600:
        reason = ngettext(
            "Your session ended %(num)s hour after you signed in. Sign in again.",
            "Your session ended %(num)s hours after you signed in. Sign in again.",
            config["SESSION_MAX_HOURS"],
        )
    elif now - seen > config["SESSION_IDLE_MINUTES"] * 60:
        reason = ngettext(
            "Your session ended after %(num)s minute without activity. Sign in again.",
            "Your session ended after %(num)s minutes without activity. Sign in again.",
            config["SESSION_IDLE_MINUTES"],
        )
    else:
        # Once a minute is enough, and keeps the cookie from changing on every request. A page
        # asking how long the session has left is not activity (app/web/session_status.py).
        if now - seen > 60 and request.endpoint not in NOT_ACTIVITY:
            session["seen_at"] = now
        return True
    session.pop("signed_in_at", None)
    session.pop("seen_at", None)
    if request.accept_mimetypes.best != "application/json":
        flash(reason, "info")
    return False


def _start_session(user: User) -> None:
    """A fresh session for ``user``: nothing carried over from before, the CSRF token included."""
    language = session.get(LANGUAGE_KEY)  # chosen on the sign-in page: kept through signing in
    session.clear()
    login_user(user)
    session["signed_in_at"] = session["seen_at"] = time.time()
    if language:
        session[LANGUAGE_KEY] = language


def _await_second_factor(user: User, next_url: str | None):
    """The password was right and the account has a second factor: nobody is signed in until its code."""
    language = session.get(LANGUAGE_KEY)
    session.clear()
    session["pending_sign_in"] = {"user": user.id, "token": user.session_token, "at": time.time(), "next": next_url}
    if language:
        session[LANGUAGE_KEY] = language
    return redirect(url_for("auth.second_factor"))


def _safe_next(target: str | None) -> str:
    """Only redirect within this site after sign-in."""
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("dashboard.index")


def attempt_on(account: str) -> throttle.Attempt:
    """This request as an attempt to sign in to ``account`` (its browser known to it, or not)."""
    return throttle.Attempt(account[:260], (request.remote_addr or "")[:64], known_device.device_for(account))


def throttled(wait_seconds: int, email: str | None):
    """The page for an attempt made too soon: how long to wait, recorded in the trail."""
    minutes = max(1, -(-wait_seconds // 60))
    message = ngettext(
        "Too many sign-in attempts. Try again in %(num)s minute.",
        "Too many sign-in attempts. Try again in %(num)s minutes.",
        minutes,
    )
    record("auth.throttled", email=email, summary=f"wait {wait_seconds} s")
    db.session.commit()
    response = current_app.make_response(refused_answer(429, Refusal.THROTTLED, message, retry_after=wait_seconds))
    response.headers["Retry-After"] = str(wait_seconds)
    return response


def finish_sign_in(user: User, next_url: str | None, summary: str = ""):
    """Start the session, tell the owner of failed attempts since last time, and go on."""
    failures, latest = throttle.failures_since_last_sign_in(user)
    _start_session(user)
    record("auth.login", user=user, object_type="user", object_id=user.id, summary=summary)
    db.session.commit()
    if failures:
        flash(
            ngettext(
                "%(num)s failed sign-in to your account since you last signed in (%(when)s, from %(where)s). "
                "If that was not you, tell an administrator.",
                "%(num)s failed sign-ins to your account since you last signed in (the latest %(when)s, from "
                "%(where)s). If that was not you, tell an administrator.",
                failures,
                when=datetime(latest.at),
                where=latest.address or "?",
            ),
            "warning",
        )
    if user.must_change_password:
        flash(_("Choose a new password to replace the temporary one."), "info")
        response = redirect(url_for("auth.password"))
    else:
        response = redirect(_safe_next(next_url))
    known_device.remember(response, user.email)
    return response


@bp.route("/login", methods=["GET", "POST"])
@requires(PUBLIC)
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if request.method == "POST":
        email = normalise_email(request.form.get("email", ""))[:254]
        attempt = attempt_on(email)
        wait = throttle.refusal(attempt)
        if wait is not None:
            return throttled(wait, email or None)
        if form.validate_on_submit():
            user = authenticate(form.email.data, form.password.data)
            if user is not None and user.has_second_factor:
                return _await_second_factor(user, request.args.get("next"))
            if user is not None:
                return finish_sign_in(user, request.args.get("next"))
            throttle.failed(attempt)
            record("auth.login_failed", email=email, summary="wrong email or password")
            db.session.commit()
            flash(_("Email or password is not right."), "error")
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
@requires(SIGNED_IN)
def logout():
    """Sign out, everywhere: every session of this account ends."""
    user = current_user._get_current_object()
    user.end_sessions()
    record("auth.logout", user=user, object_type="user", object_id=user.id)
    db.session.commit()
    logout_user()
    session.clear()
    if user.language:  # the sign-in page after this speaks the person's language
        session[LANGUAGE_KEY] = user.language
    flash(_("You are signed out."), "info")
    response = redirect(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = '"cache", "storage"'  # nothing of the casework stays in this browser
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@requires(SIGNED_IN)
def password():
    """Change one's own password; other sessions of the account end."""
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(user, form.current.data, form.new.data)
        except UserError as exc:
            db.session.rollback()
            form.new.errors.append(str(exc))
        else:
            record("auth.password_changed", user=user, object_type="user", object_id=user.id)
            db.session.commit()
            _start_session(user)  # this session goes on with the new token; the others are ended
            flash(_("Password changed. You are signed out everywhere else."), "success")
            return redirect(url_for("dashboard.index"))
    status = 400 if form.errors else 200
    return render_template("auth/password.html", form=form, min_length=MIN_PASSWORD_LENGTH), status
