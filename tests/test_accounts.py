"""Accounts, sessions and sign-in throttling."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Event, User
from tests.conftest import PASSWORD, csrf_token, text_of


def cookie_of(client) -> str:
    return client.get_cookie("session").value


def test_a_session_copied_before_sign_out_is_dead_after_it(app, client, make_user, login, post):
    user = login(make_user("unit_head"))
    stolen = cookie_of(client)
    assert post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").status_code == 302  # sent to sign in: the session ended with the sign-out
    assert db.session.get(User, user.id).session_token not in stolen


def test_changing_ones_password_ends_the_other_sessions_and_keeps_this_one(app, client, make_user, login, post):
    user = login(make_user("assessor"))
    other = app.test_client()
    other.set_cookie("session", cookie_of(client))
    assert other.get("/").status_code == 200
    changed = post(
        "/account/password", {"current": PASSWORD, "new": "a brand new passphrase", "confirm": "a brand new passphrase"}
    )
    assert changed.status_code == 302
    assert client.get("/").status_code == 200  # this session goes on
    assert other.get("/").status_code == 302  # the other one has ended
    refused = post(
        "/account/password", {"current": "wrong one", "new": "another new phrase", "confirm": "another new phrase"}
    )
    assert refused.status_code == 400 and "current password is not right" in text_of(refused)
    assert db.session.scalar(select(Event).where(Event.name == "auth.password_changed")).user_id == user.id


def test_an_administrator_resets_a_password_and_the_person_must_replace_it(app, client, make_user, login, post):
    person = make_user("viewer", email="viewer@x.example")
    theirs = app.test_client()
    token = csrf_token(theirs, app)
    theirs.post("/login", data={"email": person.email, "password": PASSWORD, "csrf_token": token})
    assert theirs.get("/").status_code == 200
    login(make_user("admin"))
    page = post(f"/admin/users/{person.id}/reset")
    temporary = page.get_data(as_text=True).split('<p class="secret"><code>')[1].split("</code>")[0]
    assert len(temporary) >= 12 and "shown only this once" in text_of(page)
    assert theirs.get("/").status_code == 302  # the reset ended their session
    again = app.test_client()
    token = csrf_token(again, app)
    signed_in = again.post("/login", data={"email": person.email, "password": temporary, "csrf_token": token})
    assert signed_in.headers["Location"] == "/account/password"
    assert again.get("/").headers["Location"] == "/account/password"  # nothing else until it is replaced
    token = csrf_token(again, app)
    done = again.post(
        "/account/password",
        data={
            "current": temporary,
            "new": "my own long password",
            "confirm": "my own long password",
            "csrf_token": token,
        },
    )
    assert done.status_code == 302 and again.get("/").status_code == 200


def test_disabling_ends_sessions_and_refuses_sign_in_until_enabled(app, client, make_user, login, post):
    person = make_user("unit_head", email="head@x.example")
    theirs = app.test_client()
    theirs.post("/login", data={"email": person.email, "password": PASSWORD, "csrf_token": csrf_token(theirs, app)})
    login(make_user("admin"))
    assert post(f"/admin/users/{person.id}/disable").status_code == 302
    assert theirs.get("/").status_code == 302
    retry = theirs.post(
        "/login", data={"email": person.email, "password": PASSWORD, "csrf_token": csrf_token(theirs, app)}
    )
    assert "Email or password is not right." in text_of(retry)
    assert post(f"/admin/users/{person.id}/enable").status_code == 302
    back = theirs.post(
        "/login", data={"email": person.email, "password": PASSWORD, "csrf_token": csrf_token(theirs, app)}
    )
    assert back.status_code == 302


def test_a_new_role_or_new_units_end_the_persons_sessions(app, client, make_user, make_unit, login, post):
    unit = make_unit("R1")
    person = make_user("assessor", units=[unit], email="a@x.example", name="Ana")
    theirs = app.test_client()
    theirs.post("/login", data={"email": person.email, "password": PASSWORD, "csrf_token": csrf_token(theirs, app)})
    login(make_user("admin"))
    same = post(f"/admin/users/{person.id}", {"name": "Ana P.", "role": "assessor", "units": [str(unit.id)]})
    assert same.status_code == 302 and theirs.get("/").status_code == 200  # a new name alone changes no rights
    promoted = post(f"/admin/users/{person.id}", {"name": "Ana P.", "role": "unit_head", "units": [str(unit.id)]})
    assert promoted.status_code == 302 and theirs.get("/").status_code == 302
    event = db.session.scalar(select(Event).where(Event.name == "user.changed").order_by(Event.id.desc()))
    assert (event.before, event.after) == ({"role": "assessor"}, {"role": "unit_head"})


def test_granting_administrator_needs_a_tick_and_the_role_has_no_default(client, make_user, login, post):
    login(make_user("admin", email="root@x.example"))
    form = client.get("/admin/users").get_data(as_text=True)
    role_list = form[form.index('<select id="role"') :]
    role_list = role_list[: role_list.index("</select>")]
    assert 'required><option value="">' in role_list and "selected" not in role_list
    unticked = post("/admin/users", {"email": "new@x.example", "name": "New", "role": "admin"})
    assert unticked.status_code == 400 and "Tick this to grant Administrator." in text_of(unticked)
    ticked = post("/admin/users", {"email": "new@x.example", "name": "New", "role": "admin", "confirm_admin": "y"})
    assert (
        ticked.status_code == 200
        and db.session.scalar(select(User).where(User.email == "new@x.example")).role == "admin"
    )


def test_an_administrator_cannot_disable_or_demote_themselves(client, make_user, login, post):
    me = login(make_user("admin", email="me@x.example"))
    assert post(f"/admin/users/{me.id}/disable").status_code == 302
    assert db.session.get(User, me.id).active
    demote = post(f"/admin/users/{me.id}", {"name": "Me", "role": "viewer"})
    assert demote.status_code == 400 and "cannot take Administrator away from yourself" in text_of(demote)


def test_no_remember_me_cookie_and_a_fresh_csrf_token_at_sign_in(app, client, make_user, post):
    user = make_user("viewer")
    before = csrf_token(client, app)
    with client.session_transaction() as session:
        raw_before = session["csrf_token"]
    response = post("/login", {"email": user.email, "password": PASSWORD, "remember": "y"})
    assert "remember_token" not in response.headers.get("Set-Cookie", "")
    with client.session_transaction() as session:
        assert session.get("csrf_token") != raw_before
    assert before


def test_session_cookies_are_secure_over_https(app, make_user):
    user = make_user("viewer")
    client = app.test_client()
    page = client.get("/login", base_url="https://csi.example").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        base_url="https://csi.example",
        headers={"Referer": "https://csi.example/login"},
    )
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    (cookie,) = [c for c in cookies if "session=" in c.split(";")[0]]
    assert cookie.startswith("__Host-session=") and "Path=/" in cookie and "Domain" not in cookie
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    (device,) = [c for c in cookies if "known_device=" in c.split(";")[0]]  # the sign-in throttle's own
    assert device.startswith("__Host-known_device=") and "Secure" in device and "HttpOnly" in device
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    signed_in = client.get("/", base_url="https://csi.example")
    assert signed_in.status_code == 200 and signed_in.headers["Cache-Control"] == "no-store"
    plain = app.test_client()
    token = csrf_token(plain, app)
    over_http = plain.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    (plain_cookie,) = [c for c in over_http.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "Secure" not in plain_cookie
    assert "Strict-Transport-Security" not in over_http.headers


def test_failed_sign_ins_are_throttled_per_account_with_a_time_to_wait(app, client, make_user, post):
    user = make_user("viewer", email="target@x.example")
    for _ in range(5):
        assert post("/login", {"email": user.email, "password": "guess"}).status_code == 200
    blocked = post("/login", {"email": user.email, "password": PASSWORD})  # even the right one, now
    assert blocked.status_code == 429
    assert "Too many sign-in attempts. Try again in" in text_of(blocked) and int(blocked.headers["Retry-After"]) > 0
    # An unknown email is answered exactly the same way: nothing tells which accounts exist.
    for _ in range(5):
        assert post("/login", {"email": "nobody@x.example", "password": "guess"}).status_code == 200
    assert post("/login", {"email": "nobody@x.example", "password": "guess"}).status_code == 429
    names = [e.name for e in db.session.scalars(select(Event).order_by(Event.id))]
    assert names.count("auth.login_failed") == 10 and "auth.throttled" in names


def test_failed_sign_ins_are_throttled_per_address(app, client, make_user, post):
    app.config["SIGNIN_LIMIT_PER_ADDRESS"] = "4 per 10 minutes"
    for n in range(4):
        post("/login", {"email": f"user{n}@x.example", "password": "guess"})
    assert post("/login", {"email": "fresh@x.example", "password": "guess"}).status_code == 429


def _age_session(client, **seconds_ago):
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] -= ago


def test_a_session_ends_after_an_idle_hour_and_says_why(client, make_user, login):
    login(make_user("viewer"))
    _age_session(client, seen_at=59 * 60)
    assert client.get("/").status_code == 200  # activity within the hour keeps it going
    _age_session(client, seen_at=61 * 60)
    ended = client.get("/", follow_redirects=True)
    assert ended.request.path == "/login"
    assert "Your session ended after 60 minutes without activity. Sign in again." in text_of(ended)


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(client, make_user, login):
    login(make_user("viewer"))
    _age_session(client, signed_in_at=12 * 3600 + 1)
    ended = client.get("/", follow_redirects=True)
    assert "Your session ended 12 hours after you signed in." in text_of(ended)


def test_an_autosave_after_the_session_ended_gets_401_and_keeps_the_input(
    client, make_unit, make_user, make_assessment, login, save_response
):
    unit = make_unit("U1")
    login(make_user("unit_head", units=[unit]))
    assessment = make_assessment(unit)
    _age_session(client, seen_at=2 * 3600)
    response = save_response(assessment.id, "AAA-01", json=True, score=3)
    body = response.get_json()
    assert response.status_code == 401 and body["error"] == "signed_out"
    assert "Your input is kept on the page" in body["message"]


@pytest.mark.parametrize(
    "weak",
    ["Password123!", "qwertyuiop12", "policija2026", "ana.petrovic1985", "1111111111111"],
)
def test_common_or_guessable_passwords_are_refused_with_a_way_forward(client, make_user, login, post, weak):
    login(make_user("viewer", email="ana.petrovic@mup.example", name="Ana Petrovic"))
    response = post("/account/password", {"current": PASSWORD, "new": weak, "confirm": weak})
    assert response.status_code == 400 and "too easy to guess" in text_of(response)
    assert "three or four unrelated words" in text_of(response)


def test_a_long_passphrase_without_symbols_or_digits_is_accepted(client, make_user, login, post):
    login(make_user("viewer"))
    phrase = "walnut ferry lantern orchard " * 4  # 116 characters: no composition rules, no truncation
    assert post("/account/password", {"current": PASSWORD, "new": phrase, "confirm": phrase}).status_code == 302
    assert post("/logout").status_code == 302
    user_email = db.session.scalar(select(User.email))
    assert post("/login", {"email": user_email, "password": phrase[:-1]}).status_code == 200
    assert post("/login", {"email": user_email, "password": phrase}).status_code == 302


def test_an_administrator_signs_a_person_out_everywhere(app, client, make_user, login, post):
    person = make_user("viewer", email="lost.laptop@x.example")
    theirs = app.test_client()
    theirs.post("/login", data={"email": person.email, "password": PASSWORD, "csrf_token": csrf_token(theirs, app)})
    assert theirs.get("/").status_code == 200
    login(make_user("admin"))
    response = post(f"/admin/users/{person.id}/sign-out", follow_redirects=True)
    assert "lost.laptop@x.example is signed out everywhere." in text_of(response)
    assert theirs.get("/").status_code == 302 and client.get("/").status_code == 200
    assert db.session.scalar(select(Event).where(Event.name == "user.signed_out")).object_id == str(person.id)


def test_signing_out_asks_the_browser_to_forget_cached_pages(client, make_user, login, post):
    login(make_user("viewer"))
    assert post("/logout").headers["Clear-Site-Data"] == '"cache", "storage"'


def test_passwords_are_stored_with_scrypt_and_typed_into_password_fields(client, runner, make_user, login):
    runner.invoke(args=["users", "create", "new@x.example", "--role", "viewer"], input="walnut ferry lantern orchard\n")
    assert db.session.scalar(select(User.password_hash).where(User.email == "new@x.example")).startswith("scrypt:")
    assert 'type="password"' in client.get("/login").get_data(as_text=True)
    login(make_user("viewer"))
    assert client.get("/account/password").get_data(as_text=True).count('type="password"') == 3
