"""Session cookies: signed, HTTP-only, SameSite=Lax; over HTTPS also Secure and ``__Host-`` named."""

from __future__ import annotations

from flask import has_request_context, request
from flask.sessions import SecureCookieSessionInterface


def _over_https() -> bool:
    return has_request_context() and request.is_secure


class SessionsOverHttps(SecureCookieSessionInterface):
    """Flask's signed cookie session, marked Secure for requests that arrived over HTTPS.

    Over HTTPS the cookie is also named ``__Host-session``: browsers then accept it only from
    this host, for the whole site, never set by a sibling domain. Over plain HTTP (a laptop on
    a closed network) it keeps its plain name, which browsers would otherwise refuse.
    Behind a reverse proxy, set ``PROXIES`` so the proxy's X-Forwarded-Proto is believed.
    """

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or _over_https())

    def get_cookie_name(self, app) -> str:
        name = super().get_cookie_name(app)
        host_only = self.get_cookie_path(app) == "/" and not self.get_cookie_domain(app)
        return f"__Host-{name}" if _over_https() and host_only else name
