"""The second factor: set up with an authenticator app, asked at sign-in and again when it matters."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Event, User
from app.services.accounts import second_factor as factor
from tests.conftest import PASSWORD, finalise, text_of


@pytest.fixture
def required(app):
    """The shipped setting: administrators and experts must have a second factor."""
    app.config["MFA_REQUIRED_ROLES"] = ("admin", "expert")
    return app


class Clock:
    """The time the second factor reads, moved by the test (one 30-second step at a time)."""

    def __init__(self):
        self.now = time.time()

    def time(self):
        return self.now

    def step(self):
        self.now += 30


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(factor, "time", fake)
    return fake


def code_now(secret: str, clock: Clock) -> str:
    return pyotp.TOTP(secret).at(clock.now)


def events(name: str) -> list[Event]:
    db.session.expire_all()
    return list(db.session.scalars(select(Event).where(Event.name == name)))


def sign_in_password(client, post, user):
    return post("/login", {"email": user.email, "password": PASSWORD})


def set_up(client, post, clock) -> tuple[str, list[str]]:
    """Set up the authenticator through the page; the secret and the recovery codes shown."""
    page = client.get("/account/second-factor")
    assert page.status_code == 200 and "<svg" in page.get_data(as_text=True)
    with client.session_transaction() as session:
        secret = session["new_second_factor"]
    shown = post("/account/second-factor", {"code": code_now(secret, clock)})
    assert shown.status_code == 200, text_of(shown)
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", shown.get_data(as_text=True))
    return secret, codes


@pytest.fixture
def enrolled(required, client, post, login, make_user, clock):
    """An administrator with an authenticator set up, signed out again."""
    admin = login(make_user("admin", email="root@x.example"))
    secret, codes = set_up(client, post, clock)
    post("/logout")
    clock.step()
    return admin, secret, codes


def test_an_administrator_without_a_second_factor_must_set_one_up_before_anything_else(
    required, client, login, make_user
):
    login(make_user("admin", email="root@x.example"))
    for path in ("/", "/admin/users", "/units/"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.endswith("/account/second-factor"), path
    page = text_of(client.get("/account/second-factor"))
    assert "Your role signs in with a second factor: set it up before you go on" in page


def test_unit_heads_and_viewers_may_sign_in_with_a_password_alone(required, client, login, make_user):
    login(make_user("unit_head"))
    assert client.get("/").status_code == 200


def test_setting_up_shows_ten_recovery_codes_once_and_is_recorded(required, client, post, login, make_user, clock):
    admin = login(make_user("admin", email="root@x.example"))
    _secret, codes = set_up(client, post, clock)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert db.session.get(User, admin.id).has_second_factor
    assert client.get("/").status_code == 200
    assert len(events("auth.mfa_enabled")) == 1
    assert all(code not in str(db.session.get(User, admin.id).recovery_codes) for code in codes)  # hashes only


def test_a_wrong_code_does_not_set_it_up(required, client, post, login, make_user, clock):
    login(make_user("admin", email="root@x.example"))
    client.get("/account/second-factor")
    response = post("/account/second-factor", {"code": "000000"})
    assert response.status_code == 400 and "not the one your authenticator shows now" in text_of(response)
    assert not db.session.scalar(select(User)).has_second_factor


def test_a_password_alone_does_not_sign_in_an_account_with_a_second_factor(enrolled, client, post):
    admin, _secret, _codes = enrolled
    response = sign_in_password(client, post, admin)
    assert response.status_code == 302 and response.location.endswith("/login/code")
    assert client.get("/").location.startswith("/login")  # nobody is signed in yet


def test_the_code_signs_in_once_and_never_again(enrolled, client, post, clock):
    admin, secret, _codes = enrolled
    sign_in_password(client, post, admin)
    code = code_now(secret, clock)
    assert post("/login/code", {"code": code}).status_code == 302
    assert client.get("/").status_code == 200
    post("/logout")
    sign_in_password(client, post, admin)
    replayed = post("/login/code", {"code": code})
    assert replayed.status_code == 400 and "used already" in text_of(replayed)
    assert events("auth.second_factor_failed")


def test_a_recovery_code_signs_in_once(enrolled, client, post):
    admin, _secret, codes = enrolled
    sign_in_password(client, post, admin)
    used = post("/login/code", {"code": codes[0].upper()})
    assert used.status_code == 302
    assert "9 are left" in text_of(client.get("/"))
    post("/logout")
    sign_in_password(client, post, admin)
    assert post("/login/code", {"code": codes[0]}).status_code == 400
    assert events("auth.recovery_code_used")


def test_wrong_codes_are_throttled(enrolled, client, post):
    admin, _secret, _codes = enrolled
    sign_in_password(client, post, admin)
    statuses = [post("/login/code", {"code": "123456"}).status_code for _ in range(6)]
    assert statuses[:5] == [400] * 5 and statuses[5] == 429


def test_a_sign_in_waits_five_minutes_for_its_code(enrolled, client, post, clock):
    admin, secret, _codes = enrolled
    sign_in_password(client, post, admin)
    with client.session_transaction() as session:
        pending = session["pending_sign_in"]
        session["pending_sign_in"] = pending | {"at": pending["at"] - 301}
    response = post("/login/code", {"code": code_now(secret, clock)})
    assert response.status_code == 302 and response.location.endswith("/login")


def test_issuing_a_report_asks_for_the_code_again_when_the_last_is_old(
    enrolled, client, post, clock, make_unit, make_assessment
):
    admin, secret, _codes = enrolled
    sign_in_password(client, post, admin)
    post("/login/code", {"code": code_now(secret, clock)})
    assessment = make_assessment(make_unit("U1"))
    finalise(assessment, db.session.get(User, admin.id))
    with client.session_transaction() as session:
        session["second_factor_at"] -= current_app.config["MFA_STEP_UP_MINUTES"] * 60 + 1
    asked = post(f"/assessments/{assessment.id}/issue")
    assert asked.status_code == 302 and "/account/confirm" in asked.location
    clock.step()
    back = post(asked.location, {"code": code_now(secret, clock)})
    assert back.status_code == 302 and back.location.endswith(f"/assessments/{assessment.id}")
    assert post(f"/assessments/{assessment.id}/issue").status_code == 302
    assert "Report issued" in text_of(client.get(f"/assessments/{assessment.id}"))


def test_changing_a_role_asks_for_the_code_when_the_last_is_old_and_keeps_the_input(
    enrolled, client, post, clock, make_user
):
    admin, secret, _codes = enrolled
    viewer = make_user("viewer", email="dir@x.example", name="Director")
    sign_in_password(client, post, admin)
    post("/login/code", {"code": code_now(secret, clock)})
    with client.session_transaction() as session:
        session["second_factor_at"] -= current_app.config["MFA_STEP_UP_MINUTES"] * 60 + 1
    form = {"name": "Director", "role": "expert"}
    refused = post(f"/admin/users/{viewer.id}", form)
    assert refused.status_code == 400 and "needs the code your authenticator app shows now" in text_of(refused)
    assert re.search(
        r'<option selected value="expert">|<option value="expert" selected', refused.get_data(as_text=True)
    )
    assert db.session.get(User, viewer.id).role == "viewer"
    clock.step()
    saved = post(f"/admin/users/{viewer.id}", form | {"second_factor_code": code_now(secret, clock)})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, viewer.id).role == "expert"


def test_a_unit_head_may_turn_an_optional_second_factor_off_but_an_administrator_may_not(
    required, client, post, login, make_user, clock
):
    login(make_user("unit_head", email="head@x.example"))
    secret, _codes = set_up(client, post, clock)
    clock.step()
    off = post("/account/second-factor", {"turn_off": "1", "code": code_now(secret, clock)})
    assert off.status_code == 302 and not db.session.scalar(select(User)).has_second_factor
    post("/logout")
    login(make_user("admin", email="root@x.example"))
    secret, _codes = set_up(client, post, clock)
    clock.step()
    kept = post("/account/second-factor", {"turn_off": "1", "code": code_now(secret, clock)})
    assert kept.status_code == 400 and "cannot be turned off" in text_of(kept)


def test_flask_users_mfa_reset_removes_it_ends_sessions_and_is_recorded(enrolled, runner):
    admin, _secret, _codes = enrolled
    token = db.session.get(User, admin.id).session_token
    result = runner.invoke(args=["users", "mfa-reset", "ROOT@x.example"])
    assert result.exit_code == 0 and "Second factor of root@x.example removed" in result.output
    user = db.session.get(User, admin.id)
    assert not user.has_second_factor and user.recovery_codes == [] and user.session_token != token
    (reset,) = events("user.mfa_reset")
    assert "root@x.example" in reset.summary and reset.address == "command line"
    assert runner.invoke(args=["users", "mfa-reset", "nobody@x.example"]).exit_code == 1


def test_the_shipped_setting_asks_everyone_who_sees_more_than_one_unit(tmp_path):
    from app import create_app

    shipped = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 's.db'}"})
    assert shipped.config["MFA_REQUIRED_ROLES"] == ("admin", "expert", "programme_staff")


def test_codes_guessed_in_the_role_change_form_are_throttled_like_sign_ins(enrolled, client, post, clock, make_user):
    admin, secret, _codes = enrolled
    viewer = make_user("viewer", email="dir@x.example", name="Director")
    sign_in_password(client, post, admin)
    post("/login/code", {"code": code_now(secret, clock)})
    with client.session_transaction() as session:
        session["second_factor_at"] -= current_app.config["MFA_STEP_UP_MINUTES"] * 60 + 1
    form = {"name": "Director", "role": "expert"}
    answers = [text_of(post(f"/admin/users/{viewer.id}", form | {"second_factor_code": "123456"})) for _ in range(6)]
    assert all("That code is not right" in a for a in answers[:5])
    assert "Too many wrong codes" in answers[5]
    assert db.session.get(User, viewer.id).role == "viewer"
