"""Signing in and out; CSRF stays on."""

from __future__ import annotations

from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Event
from tests.conftest import PASSWORD, text_of


def test_sign_in_with_the_right_password_opens_the_dashboard(client, make_user, login):
    login(make_user("admin"))
    page = client.get("/")
    assert page.status_code == 200 and "My assessments" in text_of(page)


def test_wrong_password_and_unknown_email_get_the_same_message(client, make_user, post):
    user = make_user("viewer")
    wrong = post("/login", {"email": user.email, "password": "not the password"})
    unknown = post("/login", {"email": "nobody@example.org", "password": PASSWORD})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Email or password is not right." in text_of(response)
    assert client.get("/").status_code == 302


def test_a_deactivated_user_cannot_sign_in(make_user, post):
    user = make_user("unit_head", active=False)
    assert "Email or password is not right." in text_of(post("/login", {"email": user.email, "password": PASSWORD}))


def test_sign_in_redirects_only_within_the_site(make_user, post):
    user = make_user("admin")
    evil = post("/login?next=//evil.example/steal", {"email": user.email, "password": PASSWORD})
    assert evil.headers["Location"] == "/"


def test_sign_in_form_without_csrf_token_is_refused(client, make_user):
    user = make_user("admin")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Nothing was saved" in text_of(response)
    assert client.get("/").status_code == 302


def test_sign_out_needs_a_post_with_csrf(client, make_user, login, post):
    login(make_user("admin"))
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_pages_send_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "base-uri 'none'" in policy
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
    assert response.headers["Cache-Control"] == "no-store"
    assert client.open("/login", method="TRACE").status_code == 405
    static = client.get("/static/css/app.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_the_first_administrator_from_bootstrap_signs_in_and_must_choose_a_password(client, runner, post):
    output = runner.invoke(args=["users", "bootstrap"]).output
    email = next(line.split(":", 1)[1].strip() for line in output.splitlines() if "email:" in line)
    password = next(line.split(":", 1)[1].strip() for line in output.splitlines() if "password:" in line)
    assert email == "admin@localhost"
    response = post("/login", {"email": email, "password": password})
    assert response.status_code == 302 and response.location == "/account/password", text_of(response)
    assert client.get("/").location == "/account/password"  # no default account with a known password
    new = "rakija on the terrace at dusk"
    assert post("/account/password", {"current": password, "new": new, "confirm": new}).status_code == 302
    assert "Users" in text_of(client.get("/"))
    assert runner.invoke(args=["users", "bootstrap"]).output == ""  # once only


def test_internal_email_domains_are_accepted_and_garbage_is_not(make_user, post):
    user = make_user("viewer", email="ana@csi.police.local")
    refused = post("/login", {"email": "no at sign", "password": PASSWORD})
    assert "Enter an email address." in text_of(refused)
    assert post("/login", {"email": user.email, "password": PASSWORD}).status_code == 302


def test_a_refused_csrf_token_is_recorded(client, make_user, login):
    user = login(make_user("viewer", email="v@x.example"))
    assert client.post("/logout").status_code == 400
    event = db.session.scalar(select(Event).where(Event.name == "access.csrf_refused"))
    assert event.user_email == user.email and "POST /logout" in event.summary


def test_the_recorded_address_is_the_proxys_client_only_when_a_proxy_is_declared(tmp_path):
    def address_recorded(proxies: int) -> str:
        database = f"sqlite:///{tmp_path / f'proxies-{proxies}.db'}"
        settings = {"SQLALCHEMY_DATABASE_URI": database, "PROXIES": proxies, "WTF_CSRF_ENABLED": False}
        app = create_app({"TESTING": True, "SECRET_KEY": "k", **settings})
        with app.app_context():
            db.create_all()
            app.test_client().post(
                "/login",
                data={"email": "nobody@x.example", "password": "wrong password here"},
                headers={"X-Forwarded-For": "203.0.113.9"},
            )
            address = db.session.scalar(select(Event.address).order_by(Event.id.desc()))
            db.session.remove()
            db.engine.dispose()
            return address

    assert address_recorded(0) == "127.0.0.1"  # a header anyone can send is not believed
    assert address_recorded(1) == "203.0.113.9"
