"""The second factor as a person meets it: set up from the page, asked after the password, a recovery code."""

from __future__ import annotations

import pyotp
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import User
from tests.e2e.conftest import PASSWORD, axe_violations


def test_setting_up_and_signing_in_with_an_authenticator(browser, server):
    with server["app"].app_context():
        db.session.add(
            User(email="mfa@e2e.example", name="Mira", role="viewer", password_hash=generate_password_hash(PASSWORD))
        )
        db.session.commit()
    context = browser.new_context(base_url=server["url"], bypass_csp=True)
    page = context.new_page()
    try:
        page.goto("/login")
        page.fill("input[name=email]", "mfa@e2e.example")
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.goto("/account/second-factor")
        assert page.locator(".qr svg").is_visible()
        assert axe_violations(page) == []
        secret = page.locator(".secret code").inner_text().replace(" ", "")
        page.fill("input[name=code]", pyotp.TOTP(secret).now())
        page.click("button.primary")
        codes = page.locator(".recovery-codes code").all_inner_texts()
        assert len(codes) == 10
        page.screenshot(path="/tmp/e2e-recovery-codes.png")
        page.click("a.button.primary")
        page.locator("form[action='/logout'] button").click()

        page.goto("/login")
        page.fill("input[name=email]", "mfa@e2e.example")
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url("**/login/code")
        page.fill("input[name=code]", "000000")
        page.click("button.primary")
        assert page.locator(".error").first.inner_text().startswith("That code is not right")
        page.fill("input[name=code]", codes[0])  # a recovery code, as someone without their phone
        page.click("button.primary")
        page.wait_for_url(lambda url: "/login" not in url)
        assert "recovery code" in page.locator(".flash").first.inner_text()
        page.screenshot(path="/tmp/e2e-signed-in-with-recovery.png")
    finally:
        context.close()
