"""Sign-in throttling that holds across workers and never locks the owner out."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import SignInFailure, User
from app.models.base import utcnow
from app.services.accounts import sign_in_throttle as throttle
from tests.conftest import PASSWORD, PASSWORD_HASH, csrf_token, text_of


def attempt(client, app, email, password, address="127.0.0.1"):
    token = csrf_token(client, app)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_owners_own_browser_signs_in_while_an_attacker_on_the_same_address_is_throttled(app, make_user):
    owner = make_user("unit_head", email="ana@x.example")
    mine = app.test_client()
    assert attempt(mine, app, owner.email, PASSWORD).status_code == 302  # this browser becomes known
    mine.post("/logout", data={"csrf_token": csrf_token(mine, app)})
    theirs = app.test_client()
    statuses = [attempt(theirs, app, owner.email, "guess").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert attempt(theirs, app, owner.email, PASSWORD).status_code == 429  # the attacker's browser waits
    signed_in = attempt(mine, app, owner.email, PASSWORD)
    assert signed_in.status_code == 302
    page = text_of(mine.get("/"))
    assert "5 failed sign-ins to your account since you last signed in" in page and "tell an administrator" in page


def test_guessing_from_many_addresses_meets_a_ceiling_but_not_the_owners_browser(app, make_user):
    app.config["SIGNIN_CEILING_PER_ACCOUNT"] = "6 per hour"
    owner = make_user("unit_head", email="ana@x.example")
    mine = app.test_client()
    attempt(mine, app, owner.email, PASSWORD)
    theirs = app.test_client()
    for n in range(6):
        assert attempt(theirs, app, owner.email, "guess", address=f"10.0.0.{n}").status_code == 200
    assert attempt(theirs, app, owner.email, "guess", address="10.0.0.99").status_code == 429
    assert attempt(mine, app, owner.email, PASSWORD, address="10.9.9.9").status_code == 302


def test_a_forged_known_browser_cookie_counts_for_nothing(app, make_user):
    owner = make_user("unit_head", email="ana@x.example")
    forger = app.test_client()
    forger.set_cookie("known_device", "eyJkIjoiYWJjIiwiYSI6W119.forged")
    statuses = [attempt(forger, app, owner.email, "guess").status_code for _ in range(6)]
    assert statuses[-1] == 429


def test_failures_are_counted_where_every_worker_sees_them(tmp_path, make_user, app):
    """Two processes of `make serve` share the database, not their memory."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    workers = [create_app({"TESTING": True, "SECRET_KEY": "s", "SQLALCHEMY_DATABASE_URI": url}) for _ in range(2)]
    with workers[0].app_context():
        db.create_all()
        db.session.add(User(email="ana@x.example", name="Ana", role="viewer", password_hash=PASSWORD_HASH))
        db.session.commit()
    first, second = workers[0].test_client(), workers[1].test_client()
    for n in range(5):
        worker, client = (workers[0], first) if n % 2 else (workers[1], second)
        assert attempt(client, worker, "ana@x.example", "guess").status_code == 200
    assert attempt(first, workers[0], "ana@x.example", "guess").status_code == 429
    assert attempt(second, workers[1], "ana@x.example", "guess").status_code == 429
    for worker in workers:
        with worker.app_context():
            db.engine.dispose()


def test_failures_older_than_a_day_are_forgotten(app, make_user):
    db.session.add(SignInFailure(at=utcnow() - dt.timedelta(days=2), account="a@x", source="address:1", address="1"))
    db.session.commit()
    throttle.failed(throttle.Attempt("b@x", "2"))
    db.session.commit()
    assert [f.account for f in db.session.scalars(select(SignInFailure))] == ["b@x"]


def test_the_wait_is_as_long_as_the_fullest_window_needs(app):
    now = utcnow()
    for minutes in (4, 3, 2, 1, 0):
        db.session.add(
            SignInFailure(at=now - dt.timedelta(minutes=minutes), account="a@x", source="address:1", address="1")
        )
    db.session.commit()
    wait = throttle.refusal(throttle.Attempt("a@x", "1"), now=now)
    assert 55 <= wait <= 61  # the oldest of the five leaves the five-minute window in a minute
    assert throttle.refusal(throttle.Attempt("a@x", "1"), now=now + dt.timedelta(minutes=1, seconds=1)) is None
