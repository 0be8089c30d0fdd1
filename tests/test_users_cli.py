"""``flask users set-password|disable|enable|list``: what an operator types on the server."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Event, User
from tests.conftest import PASSWORD, csrf_token


def test_set_password_from_stdin_ends_sessions_and_the_new_password_works(client, runner, make_user, login, post):
    user = login(make_user("viewer", email="ana@x.example"))
    result = runner.invoke(args=["users", "set-password", "ANA@x.example"], input="a brand new passphrase\n")
    assert result.exit_code == 0 and "their sessions have ended" in result.output
    assert client.get("/").status_code == 302  # the session from before is over
    assert post("/login", {"email": user.email, "password": PASSWORD}).status_code == 200
    assert post("/login", {"email": user.email, "password": "a brand new passphrase"}).status_code == 302
    assert db.session.scalar(select(Event).where(Event.name == "auth.password_changed")).object_id == str(user.id)


def test_set_password_refuses_a_short_one_and_an_unknown_email(runner, make_user):
    make_user("viewer", email="ana@x.example")
    short = runner.invoke(args=["users", "set-password", "ana@x.example"], input="short\n")
    assert short.exit_code == 1 and "Error:" in short.output
    unknown = runner.invoke(args=["users", "set-password", "nobody@x.example"], input="a brand new passphrase\n")
    assert unknown.exit_code == 1 and "no user with email nobody@x.example" in unknown.output


def test_disable_ends_sessions_and_refuses_sign_in_and_enable_lets_them_back(client, runner, make_user, login, post):
    user = login(make_user("viewer", email="ana@x.example"))
    assert runner.invoke(args=["users", "disable", "ana@x.example"]).exit_code == 0
    assert client.get("/").status_code == 302
    assert post("/login", {"email": user.email, "password": PASSWORD}).status_code == 200
    assert runner.invoke(args=["users", "enable", "ana@x.example"]).exit_code == 0
    assert post("/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    names = [e.name for e in db.session.scalars(select(Event).where(Event.name.like("user.%")).order_by(Event.id))]
    assert names == ["user.disabled", "user.enabled"]


def test_list_prints_email_role_units_state_and_name_one_per_line(runner, make_unit, make_user):
    unit = make_unit("SRB")
    bojan = make_user("assessor", units=[unit], email="b@x.example", name="Bojan")
    make_user("viewer", email="a@x.example", name="Ana", active=False)
    lines = runner.invoke(args=["users", "list"]).output.splitlines()
    assert lines == ["a@x.example\tviewer\t-\tdisabled\tAna", "b@x.example\tassessor\tSRB\tactive\tBojan"]
    db.session.get(User, bojan.id).must_change_password = True
    db.session.commit()
    assert "b@x.example\tassessor\tSRB\ttemporary-password\tBojan" in runner.invoke(args=["users", "list"]).output


def test_sign_out_ends_one_users_sessions_or_everyones(app, client, runner, make_user, login):
    ana = login(make_user("viewer", email="ana@x.example"))
    make_user("viewer", email="bo@x.example")
    other = app.test_client()
    other.post("/login", data={"email": "bo@x.example", "password": PASSWORD, "csrf_token": csrf_token(other, app)})
    assert other.get("/").status_code == 200
    assert runner.invoke(args=["users", "sign-out", ana.email]).output == "Signed out ana@x.example (1).\n"
    assert client.get("/").status_code == 302 and other.get("/").status_code == 200
    assert runner.invoke(args=["users", "sign-out", "--all"]).exit_code == 0
    assert other.get("/").status_code == 302
    assert runner.invoke(args=["users", "sign-out"]).exit_code == 2
