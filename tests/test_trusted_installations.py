"""An administrator lists the installations whose signed packages may bring their review here:
on a page under /admin and with `flask installations`; every change is on the audit trail."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Event, TrustedInstallation
from app.services.exchange.signing import fingerprint, own_public_key
from app.services.exchange.trust import trust_installation
from tests.conftest import text_of
from tests.other_installation import OtherInstallation


def events(name: str) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.name == name)))


def test_this_installation_prints_what_another_needs_to_trust_it(runner):
    result = runner.invoke(args=["installations", "this"])
    assert result.exit_code == 0
    assert f"public key: {own_public_key()}" in result.output
    assert f"fingerprint: {fingerprint(own_public_key())}" in result.output


def test_the_trust_command_shows_the_fingerprint_and_asks_before_trusting(runner):
    other = OtherInstallation()
    args = ["installations", "trust", other.installation_id, "--name", "Laptop", "--key", other.public_key]
    declined = runner.invoke(args=args, input="n\n")
    assert declined.exit_code == 1 and fingerprint(other.public_key) in declined.output
    assert db.session.scalar(select(TrustedInstallation)) is None
    accepted = runner.invoke(args=args, input="y\n")
    assert accepted.exit_code == 0 and "Trusted Laptop" in accepted.output
    listed = runner.invoke(args=["installations", "list"])
    assert f"{other.installation_id}\t{fingerprint(other.public_key)}\t" in listed.output and "Laptop" in listed.output
    (event,) = events("installation.trusted")
    assert event.object_id == other.installation_id and event.after["fingerprint"] == fingerprint(other.public_key)


def test_the_trust_command_refuses_what_is_not_a_key_and_untrust_removes_with_a_trace(runner):
    bad = runner.invoke(args=["installations", "trust", "abc", "--name", "X", "--key", "nope", "--yes"])
    assert bad.exit_code == 1 and "not a public key" in bad.output
    other = OtherInstallation()
    runner.invoke(
        args=["installations", "trust", other.installation_id, "--name", "Laptop", "--key", other.public_key, "--yes"]
    )
    removed = runner.invoke(args=["installations", "untrust", other.installation_id])
    assert removed.exit_code == 0 and "No longer trusted: Laptop" in removed.output
    assert db.session.scalar(select(TrustedInstallation)) is None and len(events("installation.untrusted")) == 1
    again = runner.invoke(args=["installations", "untrust", other.installation_id])
    assert again.exit_code == 1 and "No trusted installation has the id" in again.output


@pytest.mark.parametrize("role", ["unit_head", "assessor", "expert", "viewer"])
def test_only_administrators_see_or_change_the_list(client, make_user, login, post, role):
    login(make_user(role))
    assert client.get("/admin/installations").status_code == 403
    other = OtherInstallation()
    response = post(
        "/admin/installations", {"installation": other.installation_id, "name": "X", "public_key": other.public_key}
    )
    assert response.status_code == 403 and db.session.scalar(select(TrustedInstallation)) is None


def test_an_administrator_trusts_and_removes_an_installation_on_the_page(client, make_user, login, post):
    admin = login(make_user("admin", name="Ada Admin"))
    page = text_of(client.get("/admin/installations"))
    assert own_public_key() in page and fingerprint(own_public_key()) in page
    other = OtherInstallation()
    added = post(
        "/admin/installations",
        {"installation": other.installation_id, "name": "SEESAC laptop", "public_key": other.public_key},
        follow_redirects=True,
    )
    page = text_of(added)
    assert "SEESAC laptop is trusted" in page and fingerprint(other.public_key) in page
    (event,) = events("installation.trusted")
    assert event.user_id == admin.id
    removed = post("/admin/installations/untrust", {"installation": other.installation_id}, follow_redirects=True)
    assert "SEESAC laptop is no longer trusted" in text_of(removed)
    assert db.session.scalar(select(TrustedInstallation)) is None and events("installation.untrusted")


def test_a_wrong_key_on_the_page_is_refused_with_what_a_key_looks_like(client, make_user, login, post):
    login(make_user("admin"))
    response = post("/admin/installations", {"installation": "abcdef0123456789", "name": "X", "public_key": "nope"})
    assert response.status_code == 400 and "44 characters of base64" in text_of(response)


def test_the_page_refuses_a_change_without_a_csrf_token(client, make_user, login):
    login(make_user("admin"))
    other = OtherInstallation()
    response = client.post(
        "/admin/installations",
        data={"installation": other.installation_id, "name": "X", "public_key": other.public_key},
    )
    assert response.status_code in (400, 403) and db.session.scalar(select(TrustedInstallation)) is None


def test_changing_the_list_asks_an_administrator_with_a_second_factor_for_a_recent_code(
    app, client, make_user, login, post
):
    admin = make_user("admin")
    secret = pyotp.random_base32()
    admin.totp_secret = secret
    admin.totp_confirmed_at = admin.created_at
    db.session.commit()
    # Sign in with password and code, then let the code grow old.
    post("/login", {"email": admin.email, "password": "correct horse battery staple"})
    post("/login/code", {"code": pyotp.TOTP(secret).now()})
    with client.session_transaction() as session:
        session["second_factor_at"] = 0
    page = text_of(client.get("/admin/installations"))
    assert "needs your authenticator code" in page and "Trust this installation" not in page
    other = OtherInstallation()
    asked = post(
        "/admin/installations", {"installation": other.installation_id, "name": "X", "public_key": other.public_key}
    )
    assert asked.status_code == 302 and "/account/confirm" in asked.headers["Location"]
    assert db.session.scalar(select(TrustedInstallation)) is None
    trust_installation(other.installation_id, "X", other.public_key, None)
    db.session.commit()
    kept = post("/admin/installations/untrust", {"installation": other.installation_id})
    assert kept.status_code == 302 and "/account/confirm" in kept.headers["Location"]
    assert db.session.scalar(select(TrustedInstallation)) is not None
