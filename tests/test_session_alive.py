"""Typing keeps a session alive: the pages call /session/alive while someone types, and learn
how long the session has left (to warn before it ends) and a current form token."""

from __future__ import annotations

from flask import g

JSON = {"Accept": "application/json"}


def _age_session(client, **seconds_ago):
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] -= ago


def test_the_alive_call_says_how_long_the_session_has_left_and_gives_a_form_token(client, make_user, login):
    login(make_user("assessor"))
    _age_session(client, seen_at=10 * 60)
    body = client.get("/session/alive", headers=JSON).get_json()
    assert body["ok"] and body["idle_limit"] == 3600 and body["csrf_token"]
    assert 3590 <= body["idle"] <= 3600  # the call itself counts as activity
    assert 11 * 3600 < body["max"] <= 12 * 3600


def test_typing_for_more_than_the_idle_limit_keeps_the_session(client, make_user, login):
    login(make_user("assessor"))
    for _minute in range(3):
        _age_session(client, seen_at=50 * 60, signed_in_at=50 * 60)  # 50 minutes of typing, no save
        assert client.get("/session/alive", headers=JSON).status_code == 200
    assert client.get("/").status_code == 200  # 150 minutes after sign-in, still signed in


def test_an_ended_session_is_not_revived_by_the_alive_call(client, make_user, login):
    login(make_user("assessor"))
    _age_session(client, seen_at=61 * 60)
    body = client.get("/session/alive", headers=JSON).get_json()
    assert body["error"] == "signed_out" and "sign in again" in body["message"]


def test_pages_tell_their_script_when_the_session_ends(client, make_user, login):
    login(make_user("assessor"))
    page = client.get("/").get_data(as_text=True)
    assert 'data-session-idle="' in page and 'data-session-alive="/session/alive"' in page


def test_the_token_from_the_alive_call_lets_an_open_page_save(client, make_unit, make_user, make_assessment, login):
    unit = make_unit("U1")
    login(make_user("unit_head", units=[unit]))
    assessment = make_assessment(unit)
    with client.session_transaction() as session:
        session.pop("csrf_token", None)  # as after a sign-in in another tab: no token of the page holds
    g.pop("csrf_token", None)  # the tests share one app context; in production g is per request
    token = client.get("/session/alive", headers=JSON).get_json()["csrf_token"]
    data = {"csrf_token": token, "AAA-01-csrf_token": token, "AAA-01-score": "2", "AAA-01-version": "1"}
    saved = client.post(f"/assessments/{assessment.id}/responses/AAA-01", data=data, headers=JSON)
    assert saved.status_code == 200 and saved.get_json()["ok"], saved.get_data(as_text=True)


def test_asking_how_long_is_left_is_not_activity(client, make_user, login):
    login(make_user("assessor"))
    _age_session(client, seen_at=50 * 60)
    body = client.get("/session/status", headers=JSON).get_json()
    assert body["ok"] and 590 <= body["idle"] <= 600
    _age_session(client, seen_at=11 * 60)
    assert client.get("/session/status", headers=JSON).get_json()["error"] == "signed_out"


def test_signing_in_from_a_page_whose_session_ended_says_to_go_back_to_it(client, make_user, login):
    login(make_user("assessor"))
    page = client.get("/session/signed-in")
    assert page.status_code == 200 and "Go back to the tab with your work" in page.get_data(as_text=True)
