"""The second factor: a code from an authenticator app (TOTP, RFC 6238), or a recovery code.

Works offline: the server and the phone share a secret once (a QR code on the setup page)
and each derives the same six digits every 30 seconds from the clock. A code is taken once:
the step it belongs to is kept, so a code seen over someone's shoulder cannot sign in again.
Ten recovery codes, each good once, are shown when the authenticator is set up; only their
hashes are kept. An administrator can reset a person's second factor (``flask users
mfa-reset EMAIL``), which ends their sessions.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import re
import secrets
import time
from dataclasses import dataclass

import pyotp
from flask import current_app
from flask_babel import gettext as _

from app.models import User
from app.models.base import utcnow
from app.services.accounts.audit import record

RECOVERY_CODES = 10
#: A code of the step before or after the server's clock is taken too (phones drift).
CLOCK_DRIFT_STEPS = 1
_DIGITS = re.compile(r"\d{6}")


class SecondFactorError(Exception):
    """The second factor cannot be set up or used as asked; the message says why."""


def required_for(user: User) -> bool:
    """Whether the user's role must sign in with a second factor."""
    return user.role in current_app.config["MFA_REQUIRED_ROLES"]


def needs_setup(user: User) -> bool:
    """A role that must have a second factor, and none set up yet: nothing else until it is."""
    return required_for(user) and not user.has_second_factor


def new_secret() -> str:
    """A fresh authenticator secret (160 bits, base32)."""
    return pyotp.random_base32(32)


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["MFA_ISSUER"])


def qr_svg(uri: str) -> str:
    """The address as an inline SVG QR code (no outside service, no image file)."""
    import segno  # the QR code maker: loaded when someone sets up a second factor, not with the app

    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True, nl=False)
    return out.getvalue().decode()


def _step_of(secret: str, code: str, now: float) -> int | None:
    """The time step ``code`` belongs to, within the drift allowed, or None."""
    totp = pyotp.TOTP(secret)
    current = int(now // totp.interval)
    for step in range(current - CLOCK_DRIFT_STEPS, current + CLOCK_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _recovery_codes() -> list[str]:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper
    return ["".join(secrets.choice(alphabet) for _ in range(10)) for _ in range(RECOVERY_CODES)]


def shown(code: str) -> str:
    """A recovery code as printed: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def enable(user: User, secret: str, code: str, now: float | None = None) -> list[str]:
    """Confirm the authenticator with its first code; returns the recovery codes, shown once."""
    code = _normalise(code)
    step = _step_of(secret, code, time.time() if now is None else now) if _DIGITS.fullmatch(code) else None
    if step is None:
        raise SecondFactorError(
            _("That code is not the one your authenticator shows now. Check the phone's clock and try the next code.")
        )
    codes = _recovery_codes()
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = secret, utcnow(), step
    user.recovery_codes = [_hash(c) for c in codes]
    record("auth.mfa_enabled", user=user, object_type="user", object_id=user.id)
    return [shown(c) for c in codes]


@dataclass(frozen=True)
class Verified:
    """How a sign-in was confirmed: "authenticator" or "recovery" (with the recovery codes left)."""

    method: str
    recovery_left: int


def verify(user: User, code: str, now: float | None = None) -> Verified | None:
    """Take a code from the authenticator or a recovery code (used up); None when it is neither."""
    if not user.has_second_factor:
        return None
    code = _normalise(code)
    if _DIGITS.fullmatch(code):
        step = _step_of(user.totp_secret, code, time.time() if now is None else now)
        if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
            return None  # wrong, or already taken: a code works once
        user.totp_last_step = step
        return Verified("authenticator", len(user.recovery_codes))
    hashed = _hash(code)
    if any(hmac.compare_digest(hashed, kept) for kept in user.recovery_codes):
        user.recovery_codes = [kept for kept in user.recovery_codes if kept != hashed]
        record("auth.recovery_code_used", user=user, object_type="user", object_id=user.id)
        return Verified("recovery", len(user.recovery_codes))
    return None


def disable(user: User) -> None:
    """Remove the second factor (roles that must have one cannot)."""
    if required_for(user):
        raise SecondFactorError(_("Your role must sign in with a second factor; it cannot be turned off."))
    _clear(user)
    record("auth.mfa_disabled", user=user, object_type="user", object_id=user.id)


def reset(user: User, by: User | None = None) -> None:
    """An administrator's reset for a lost phone: the second factor goes and every session ends."""
    had = user.has_second_factor
    _clear(user)
    user.end_sessions()
    record(
        "user.mfa_reset",
        user=by,
        object_type="user",
        object_id=user.id,
        summary=f"{user.email}: second factor removed" if had else f"{user.email}: had no second factor",
    )


def _clear(user: User) -> None:
    user.totp_secret = user.totp_confirmed_at = user.totp_last_step = None
    user.recovery_codes = []
