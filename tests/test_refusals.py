"""Every JSON refusal carries a stable code and a message saying what to do; browsers get a page.

The pages' scripts branch on ``error`` and show ``message`` (README, "Refusals").
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import OperationalError

from app.domain.workflow import Move
from app.extensions import db
from app.models import Unit
from app.services.assessment.assessments import AssessmentLocked
from tests.conftest import answer_the_rest, csrf_token, move_to, response_of, text_of

JSON = {"Accept": "application/json"}


@pytest.fixture
def unit(make_unit):
    return make_unit("U1")


@pytest.fixture
def head(unit, make_user):
    return make_user("unit_head", units=[unit], name="Ana Head")


@pytest.fixture
def draft(unit, make_assessment):
    return make_assessment(unit)


def refused(response, status: int, code: str) -> dict:
    """The refusal's body, after checking its status, code and that it has a message."""
    body = response.get_json()
    assert response.status_code == status, body
    assert body["ok"] is False and body["error"] == code, body
    assert len(body["message"]) > 20, body  # a sentence, not a code
    return body


def test_a_signed_out_autosave_gets_401_signed_out_with_where_to_sign_in(client, draft, post):
    body = refused(
        post(f"/assessments/{draft.id}/responses/AAA-01", {"AAA-01-score": "2"}, headers=JSON), 401, "signed_out"
    )
    assert "Your input is kept" in body["message"] and body["sign_in"] == "/login"


def test_a_lost_form_token_gets_400_csrf_expired(client, head, draft, login):
    login(head)
    response = client.post(f"/assessments/{draft.id}/responses/AAA-01", data={"AAA-01-score": "2"}, headers=JSON)
    assert "security token" in refused(response, 400, "csrf_expired")["message"]


def test_a_browser_without_a_form_token_still_gets_the_page(client, head, draft, login):
    login(head)
    response = client.post(f"/assessments/{draft.id}/responses/AAA-01", data={"AAA-01-score": "2"})
    assert response.status_code == 400 and "reload the page and try again" in text_of(response)


def test_an_assessor_writing_the_experts_review_gets_403_forbidden(unit, make_user, draft, login, save_review):
    login(make_user("assessor", units=[unit]))
    body = refused(save_review(draft.id, "AAA-01", json=True, score=1), 403, "forbidden")
    assert "Ask an administrator" in body["message"]


def test_another_units_assessment_gets_404_not_found(head, make_unit, make_assessment, login, save_response):
    other = make_assessment(make_unit("U2"))
    login(head)
    body = refused(save_response(other.id, "AAA-01", json=True, score=1), 404, "not_found")
    assert "reload" in body["message"]


def test_a_get_on_a_save_address_gets_405_method_not_allowed(client, head, draft, login):
    login(head)
    refused(client.get(f"/assessments/{draft.id}/responses/AAA-01", headers=JSON), 405, "method_not_allowed")


def test_a_save_after_the_assessment_moved_on_gets_409_stage_moved(head, draft, login, save_response):
    login(head)
    answer_the_rest(draft)  # the stage guards need every requirement answered
    move_to(draft, Move.SUBMIT, head)
    body = refused(save_response(draft.id, "AAA-01", json=True, score=1), 409, "stage_moved")
    assert "Submitted" in body["message"] and "Your input is kept" in body["message"]
    assert response_of(draft, "AAA-01").value == 3  # as answered before the submission, not the refused 1


def test_a_stale_form_gets_409_conflict_with_the_other_persons_values(head, draft, login, save_response):
    login(head)
    save_response(draft.id, "AAA-01", json=True, score=2, evidence_note="First")
    body = refused(save_response(draft.id, "AAA-01", json=True, score=3, version=1), 409, "conflict")
    theirs = {item["field"]: item["raw"] for item in body["theirs"]}
    assert (theirs["score"], theirs["evidence_note"], body["version"]) == ("2", "First", 2)


def test_a_save_that_loses_every_retry_gets_409_busy_not_stage_moved(head, draft, login, save_response, monkeypatch):
    def crowded(*args, **kwargs):
        raise AssessmentLocked("Too many people saved at the same moment; nothing was saved. Save again.")

    monkeypatch.setattr("app.web.assessments.layers.save_response", crowded)
    login(head)
    refused(save_response(draft.id, "AAA-01", json=True, score=1), 409, "busy")


def test_a_body_over_the_limit_gets_413_too_large(app, client, head, draft, login):
    login(head)
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    token = csrf_token(client, app)
    data = {"csrf_token": token, "AAA-01-evidence_note": "x" * (1024 * 1024 + 10)}
    body = refused(client.post(f"/assessments/{draft.id}/responses/AAA-01", data=data, headers=JSON), 413, "too_large")
    assert "at most 1 MB" in body["message"]


def test_field_errors_get_422_invalid_by_field(head, draft, login, save_response):
    login(head)
    body = refused(save_response(draft.id, "AAA-01", json=True, score="na"), 422, "invalid")
    assert "justification" in " ".join(body["errors"]["na_justification"])


def test_too_many_sign_ins_get_429_throttled_with_when_to_try_again(post):
    for _attempt in range(5):
        post("/login", {"email": "who@example.org", "password": "wrong"}, headers=JSON)
    response = post("/login", {"email": "who@example.org", "password": "wrong"}, headers=JSON)
    body = refused(response, 429, "throttled")
    assert body["retry_after"] > 0 and int(response.headers["Retry-After"]) > 0


# --- failures inside a view: routes registered only here ----------------------------------


@pytest.fixture
def failing(app):
    """Routes that fail as a real view can: an exception, a busy database, a lost connection."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the 500 handler answers

    def boom():
        db.session.add(Unit(code="HALF", name="Half-written", jurisdiction="X"))
        db.session.flush()
        raise RuntimeError("a bug")

    def locked():
        raise OperationalError("UPDATE responses ...", {}, Exception("database is locked"))

    class LockTimeout(Exception):
        sqlstate = "55P03"  # PostgreSQL: lock_not_available (lock_timeout)

    def pg_locked():
        raise OperationalError("UPDATE responses ...", {}, LockTimeout("canceling statement due to lock timeout"))

    def gone():
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    for name, view in (("boom", boom), ("locked", locked), ("pg_locked", pg_locked), ("gone", gone)):
        view.access = {"GET": "signed_in", "POST": "signed_in"}
        app.add_url_rule(f"/test-only/{name}", f"test_{name}", view)
    return app


def test_a_server_failure_rolls_back_logs_and_answers_json_to_scripts(failing, client, head, login, caplog):
    login(head)
    with caplog.at_level(logging.ERROR):
        body = refused(client.get("/test-only/boom", headers=JSON), 500, "server_error")
    assert body["reference"] in body["message"] and "Your input is kept" in body["message"]
    assert any(body["reference"] in r.getMessage() for r in caplog.records)
    assert any(r.exc_info and "a bug" in str(r.exc_info[1]) for r in caplog.records)
    db.session.rollback()
    assert db.session.scalar(db.select(Unit).where(Unit.code == "HALF")) is None


def test_a_server_failure_shows_browsers_the_error_page(failing, client, head, login):
    login(head)
    response = client.get("/test-only/boom")
    assert response.status_code == 500 and "Something went wrong on the server" in text_of(response)
    assert "Back to the dashboard" in text_of(response)


@pytest.mark.parametrize("route", ["locked", "pg_locked"])
def test_a_busy_database_answers_409_busy_never_500(failing, client, head, login, route):
    login(head)
    body = refused(client.get(f"/test-only/{route}", headers=JSON), 409, "busy")
    assert "save again in a moment" in body["message"] or "saved again in a moment" in body["message"]
    page = client.get(f"/test-only/{route}")
    assert page.status_code == 409 and "send it again in a moment" in text_of(page)


def test_a_database_failure_that_is_not_busy_is_a_server_error(failing, client, head, login, caplog):
    login(head)
    with caplog.at_level(logging.ERROR):
        refused(client.get("/test-only/gone", headers=JSON), 500, "server_error")
    assert any(r.exc_info for r in caplog.records)


def test_when_even_the_error_page_fails_a_bare_page_still_says_what_happened(failing, client, head, login, monkeypatch):
    login(head)

    def broken(*args, **kwargs):
        raise RuntimeError("the database is gone too")

    monkeypatch.setattr("app.web.refusals.render_template", broken)
    response = client.get("/test-only/boom")
    assert response.status_code == 500 and "Something went wrong on the server" in response.get_data(as_text=True)
