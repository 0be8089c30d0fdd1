"""The browsers an account signed in from before: a signed cookie that makes them a source of their own.

Failed sign-ins from a known browser count only against that browser, so nobody else, not
even someone behind the same address, can throttle the owner out (see
:mod:`app.services.accounts.sign_in_throttle`). The cookie names accounts by a keyed tag,
never by email, and is HTTP-only, same-site, and Secure over HTTPS.
"""

from __future__ import annotations

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from app.services.accounts.sign_in_throttle import account_tag, new_device

COOKIE = "known_device"  # __Host-known_device over HTTPS, as the session cookie
#: A browser remembers this many accounts at most (a shared computer at a unit).
MAX_ACCOUNTS = 10
MAX_AGE = 180 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def _name() -> str:
    return f"__Host-{COOKIE}" if request.is_secure else COOKIE


def _read() -> dict | None:
    raw = request.cookies.get(_name())
    if not raw or len(raw) > 2048:
        return None
    try:
        value = _serializer().loads(raw)
    except BadSignature:
        return None
    return value if isinstance(value, dict) and isinstance(value.get("d"), str) else None


def device_for(account: str) -> str | None:
    """The id of this browser when ``account`` signed in from it before, else None."""
    known = _read()
    if known is None or account_tag(account) not in (known.get("a") or []):
        return None
    return known["d"]


def remember(response, account: str) -> None:
    """Mark this browser as one ``account`` signs in from (on a successful sign-in)."""
    known = _read() or {"d": new_device(), "a": []}
    tags = [t for t in known.get("a") or [] if isinstance(t, str)]
    tag = account_tag(account)
    tags = ([t for t in tags if t != tag] + [tag])[-MAX_ACCOUNTS:]
    response.set_cookie(
        _name(),
        _serializer().dumps({"d": known["d"], "a": tags}),
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
        path="/",
    )
