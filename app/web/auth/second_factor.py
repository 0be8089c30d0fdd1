"""Signing in with a second factor, setting one up, and confirming it again when it matters.

A correct password of an account with a second factor does not sign in yet: the sign-in
waits (five minutes at most) for a code on its own page. Roles that must have a second
factor and have none are sent to set one up before anything else. Changing a person's
role or units and issuing a report ask for a code again when the last one is older than
``MFA_STEP_UP_MINUTES``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup

from app.extensions import db
from app.models import User
from app.services.accounts import second_factor as factor
from app.services.accounts import sign_in_throttle as throttle
from app.services.accounts.audit import record
from app.web.auth import known_device
from app.web.auth.forms import CodeForm
from app.web.auth.views import _safe_next, bp, finish_sign_in, throttled
from app.web.decisions import PUBLIC, SIGNED_IN, requires

#: How long a correct password waits for its code.
PENDING_SECONDS = 300


def _pending_user() -> User | None:
    pending = session.get("pending_sign_in")
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user")) if isinstance(pending.get("user"), int) else None
    if user is None or not user.active or user.session_token != pending.get("token"):
        return None
    return user


@dataclass(frozen=True)
class CodeCheck:
    """A code taken under the sign-in throttle: how it was verified (None: wrong), or how long to wait."""

    verified: factor.Verified | None = None
    wait: int | None = None


#: What a wrong code is told, wherever a code is asked for.
WRONG_CODE = _l("That code is not right, or was used already. Enter the code your app shows now.")


def take_code(user: User, code: str) -> CodeCheck:
    """Check a code from ``user`` as sign-ins are checked: throttled, and a wrong one counted and recorded."""
    attempt = throttle.Attempt(f"code:{user.id}", (request.remote_addr or "")[:64], known_device.device_for(user.email))
    wait = throttle.refusal(attempt)
    if wait is not None:
        return CodeCheck(wait=wait)
    verified = factor.verify(user, code)
    if verified is None:
        throttle.failed(attempt)
        record("auth.second_factor_failed", user=user, object_type="user", object_id=user.id)
        db.session.commit()
    return CodeCheck(verified=verified)


def recent() -> bool:
    """True when the signed-in person confirmed a code recently enough (or has no second factor)."""
    if not current_user.has_second_factor:
        return True
    at = session.get("second_factor_at")
    window = current_app.config["MFA_STEP_UP_MINUTES"] * 60
    return isinstance(at, int | float) and time.time() - at <= window


def confirm_url(next_url: str) -> str:
    """Where to confirm the second factor again, coming back to ``next_url``."""
    return url_for("auth.confirm_second_factor", next=next_url)


@bp.route("/login/code", methods=["GET", "POST"])
@requires(PUBLIC)
def second_factor():
    """The second step of signing in: the authenticator's code, or a recovery code."""
    user = _pending_user()
    if user is None:
        session.pop("pending_sign_in", None)
        flash(_("Sign in again: the sign-in waited too long for its code."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        check = take_code(user, form.code.data)
        if check.wait is not None:
            return throttled(check.wait, user.email)
        verified = check.verified
        if verified is not None:
            next_url = session["pending_sign_in"].get("next")
            response = finish_sign_in(user, next_url, summary="second factor: " + verified.method)
            session["second_factor_at"] = time.time()
            if verified.method == "recovery":
                flash(
                    ngettext(
                        "You signed in with a recovery code; %(num)s is left. Set up your authenticator again soon.",
                        "You signed in with a recovery code; %(num)s are left.",
                        verified.recovery_left,
                    ),
                    "info",
                )
            return response
        form.code.errors.append(str(WRONG_CODE))
    return render_template("auth/second_factor.html", form=form, step_up=False), 400 if form.errors else 200


@bp.route("/account/confirm", methods=["GET", "POST"])
@login_required
@requires(SIGNED_IN)
def confirm_second_factor():
    """Confirm the second factor again before a change that matters (roles, issuing)."""
    next_url = _safe_next(request.args.get("next"))
    if not current_user.has_second_factor:
        return redirect(next_url)
    form = CodeForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        check = take_code(user, form.code.data)
        if check.wait is not None:
            return throttled(check.wait, user.email)
        if check.verified is not None:
            session["second_factor_at"] = time.time()
            db.session.commit()
            return redirect(next_url)
        form.code.errors.append(str(WRONG_CODE))
    return render_template("auth/second_factor.html", form=form, step_up=True), 400 if form.errors else 200


@bp.route("/account/second-factor", methods=["GET", "POST"])
@login_required
@requires(SIGNED_IN)
def setup_second_factor():
    """Set up the authenticator (scan, confirm a code, keep the recovery codes), or turn it off."""
    user = current_user._get_current_object()
    form = CodeForm()
    if user.has_second_factor:
        if request.method == "POST" and request.form.get("turn_off") and form.validate_on_submit():
            check = take_code(user, form.code.data)
            if check.wait is not None:
                return throttled(check.wait, user.email)
            if check.verified is None:
                form.code.errors.append(str(WRONG_CODE))
            else:
                try:
                    factor.disable(user)
                except factor.SecondFactorError as exc:
                    db.session.rollback()
                    form.code.errors.append(str(exc))
                else:
                    db.session.commit()
                    flash(_("The second factor is off. Sign-in asks for your password only."), "success")
                    return redirect(url_for("auth.setup_second_factor"))
        return render_template(
            "auth/setup_second_factor.html", form=form, required=factor.required_for(user), user=user
        ), 400 if form.errors else 200
    secret = session.get("new_second_factor")
    if not isinstance(secret, str):
        secret = session["new_second_factor"] = factor.new_secret()
    if form.validate_on_submit():
        try:
            codes = factor.enable(user, secret, form.code.data)
        except factor.SecondFactorError as exc:
            db.session.rollback()
            form.code.errors.append(str(exc))
        else:
            db.session.commit()
            session.pop("new_second_factor", None)
            session["second_factor_at"] = time.time()
            return render_template("auth/recovery_codes.html", codes=codes)
    uri = factor.provisioning_uri(user, secret)
    return render_template(
        "auth/setup_second_factor.html",
        form=form,
        required=factor.required_for(user),
        user=user,
        qr=Markup(factor.qr_svg(uri)),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    ), 400 if form.errors else 200
