"""Session cookies: signed, HTTP-only, SameSite=Lax, and Secure whenever the page came over HTTPS."""

from __future__ import annotations

from flask import has_request_context, request
from flask.sessions import SecureCookieSessionInterface


class SessionsOverHttps(SecureCookieSessionInterface):
    """Flask's signed cookie session, marked Secure for requests that arrived over HTTPS.

    Behind a reverse proxy, set ``PROXIES`` so the proxy's X-Forwarded-Proto is believed.
    """

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or (has_request_context() and request.is_secure))
