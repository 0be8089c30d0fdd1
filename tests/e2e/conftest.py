"""Browser tests: the app served on a free local port, driven by Playwright in the system's Chromium.

Run with ``make e2e`` (not part of ``make test``). Chromium comes from the Debian package
(``/usr/bin/chromium``); Playwright never downloads a browser here. axe-core comes from
the npm registry (``tests/e2e/package.json``) and is injected into each page.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.models import User
from app.services.demo.demo import make_demo

PASSWORD = "e2e password for everyone"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def whole_responses(app):
    """The app with each response read whole and its body closed before the server writes it.

    Werkzeug's development server closes a response's body in a ``finally`` that first drains
    the socket; when the browser has already reset the connection (a page left mid-load), that
    drain raises and the close is skipped, leaving a static file open until garbage collection
    reports it. Closing here keeps the suite's "warnings are errors" meaningful for our code.
    """

    def serve(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return serve


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app with the demo data, served on 127.0.0.1 for the whole session."""
    folder = tmp_path_factory.mktemp("e2e")
    app = create_app(
        {
            "SECRET_KEY": "e2e",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'e2e.sqlite3'}",
            "REPORTS_DIR": str(folder / "reports"),
            "MFA_REQUIRED_ROLES": (),  # the second factor's own browser test sets it up
        }
    )
    with app.app_context():
        db.create_all()
        make_demo()
        for user in db.session.scalars(db.select(User)):
            user.password_hash = generate_password_hash(PASSWORD)
        db.session.add(
            User(email="admin@e2e.example", name="Admin", role="admin", password_hash=generate_password_hash(PASSWORD))
        )
        db.session.commit()
    http = make_server("127.0.0.1", 0, whole_responses(app), threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{http.server_port}", "app": app}
    http.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install the Debian package 'chromium'")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


EMAILS = {
    "unit_head": "ana.petrovic@demo-csi.example",
    "assessor": "luka.horvat@demo-csi.example",
    "expert": "marko.kovac@seesac.example",
    "viewer": "director@demo-police.example",
    "admin": "admin@e2e.example",
}


@pytest.fixture
def signed_in(browser, server):
    """A function opening a fresh browser context signed in as a role; closed after the test.

    The page's CSP is bypassed only so that axe-core can be injected as an inline script.
    """
    contexts = []

    def open_as(role: str, width: int = 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, base_url=server["url"], bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=email]", EMAILS[role])
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    yield open_as
    for context in contexts:
        context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page; the violations it finds (WCAG 2 A and AA rules)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run 'npm ci --prefix tests/e2e' (make e2e does)")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']})).violations"
    )


def first_held(page, held: list, seconds: float = 10.0):
    """The first request a test's route handler held (appended to ``held``), once Playwright has
    called the handler: that comes after the page has sent the request, and may come after
    what the page showed meanwhile ("Loading…"). Waiting on the page lets Playwright call it."""
    for _ in range(int(seconds / 0.05)):
        if held:
            return held[0]
        page.wait_for_timeout(50)
    raise AssertionError(f"no request was held within {seconds:g} s")
