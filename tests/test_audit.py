"""The audit trail: who changed what, when and from where; read on a page, per card and on the command line."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.domain.workflow import Move
from app.extensions import db
from app.models import Event
from tests.conftest import PASSWORD, answer_the_rest, finalise, move_to, response_of, text_of


def events(name: str) -> list[Event]:
    db.session.expire_all()
    return list(db.session.scalars(select(Event).where(Event.name == name).order_by(Event.id)))


@pytest.fixture
def scored(make_unit, make_user, make_assessment, login, save_response):
    """A unit head who scored AAA-01 at 1, then at 3, on an assessment of unit U1."""
    unit = make_unit("U1")
    head = login(make_user("unit_head", units=[unit], email="head@u1.example"))
    assessment = make_assessment(unit)
    save_response(assessment.id, "AAA-01", score=1)
    save_response(assessment.id, "AAA-01", score=3, evidence_note="SOP-01 s. 4")
    return assessment, head


def test_every_response_change_is_recorded_with_who_from_where_and_before_and_after(scored):
    assessment, head = scored
    first, second = events("response.changed")
    assert (first.user_email, first.address, first.object_id) == (head.email, "127.0.0.1", "AAA-01")
    assert first.assessment_id == assessment.id and first.after["value"] == 1
    assert second.before == {"value": 1, "evidence_note": ""} and second.after == {
        "value": 3,
        "evidence_note": "SOP-01 s. 4",
    }


def test_a_cards_history_lists_every_change_of_that_response_only(client, scored, save_response):
    assessment, _head = scored
    save_response(assessment.id, "AAA-02", score=2)
    page = text_of(client.get(f"/assessments/{assessment.id}/history/AAA-01"))
    assert "History of AAA-01" in page and page.count("Self-assessment changed") == 2
    assert "SOP-01 s. 4" in page and "head@u1.example" in page
    card = client.get(f"/assessments/{assessment.id}/score?section=AAA").get_data(as_text=True)
    assert f"/assessments/{assessment.id}/history/AAA-01" in card
    assert client.get(f"/assessments/{assessment.id}/history/NOPE-01").status_code == 404


def test_a_history_names_events_fields_and_values_in_words_never_codes(
    client, scored, make_user, post, login, save_review, save_response
):
    assessment, head = scored
    save_response(assessment.id, "AAA-02", score=2, basis="records")
    answer_the_rest(assessment)
    response_of(assessment, "AAA-02").no_action_reason = "Planned with the national programme"
    db.session.commit()
    move_to(assessment, Move.SUBMIT, head)
    post("/logout")
    expert = login(make_user("expert", units=[assessment.unit], email="expert@x.example"))
    move_to(assessment, Move.START_REVIEW, expert)
    save_review(
        assessment.id, "AAA-02", score=1, stance="disagree", comment="Only a draft was shown", finding="minor_nc"
    )
    page = text_of(client.get(f"/assessments/{assessment.id}/history/AAA-02"))
    assert "Expert review changed" in page and "Self-assessment changed" in page
    assert "Minor nonconformity" in page and "Disagree" in page and "Records seen" in page
    assert "Finding" in page and "Score rests on" in page
    for code in ("minor_nc", "records", "disagree", "review.changed", "response.changed", "evidence_note", "basis"):
        assert code not in page, code


def test_another_units_history_is_not_found_and_the_probe_is_recorded(
    client, scored, make_unit, make_user, post, login
):
    assessment, _head = scored
    post("/logout")
    login(make_user("unit_head", units=[make_unit("U2")], email="head@u2.example"))
    assert client.get(f"/assessments/{assessment.id}/history/AAA-01").status_code == 404
    (refusal,) = events("access.refused")
    assert refusal.user_email == "head@u2.example" and "/history/AAA-01" in refusal.summary


def test_finalising_and_reopening_keep_who_finalised(scored):
    assessment, head = scored
    finalise(assessment, head)
    move_to(assessment, Move.REOPEN, head)
    (finalised,) = events("assessment.finalised")
    (reopened,) = events("assessment.reopened")
    assert finalised.after["finalised_by"] == head.email and finalised.after["stage"] == "finalised"
    assert reopened.before["finalised_by"] == head.email and reopened.after["finalised_by"] is None
    assert (reopened.before["revision"], reopened.after["revision"]) == (1, 2)


def test_events_cannot_be_edited_or_deleted(scored):
    event = events("response.changed")[0]
    event.summary = "nothing happened"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.delete(events("response.changed")[0])
        db.session.flush()
    db.session.rollback()
    assert len(events("response.changed")) == 2


def test_the_database_itself_refuses_to_change_or_delete_an_event(scored):
    for statement in ("UPDATE events SET summary = 'nothing happened'", "DELETE FROM events"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert len(events("response.changed")) == 2


def test_sign_ins_failures_and_sign_outs_are_recorded(client, make_user, post, login):
    user = make_user("viewer", email="v@x.example")
    post("/login", {"email": "v@x.example", "password": "wrong password here"})
    post("/login", {"email": "nobody@x.example", "password": "wrong password here"})
    login(user)
    post("/logout")
    assert [e.user_email for e in events("auth.login_failed")] == ["v@x.example", "nobody@x.example"]
    assert [e.user_email for e in events("auth.login")] == ["v@x.example"]
    assert [e.user_email for e in events("auth.logout")] == ["v@x.example"]
    assert PASSWORD not in str([(e.summary, e.before, e.after) for e in Event.query.all()])


def test_sop_register_and_unit_changes_are_recorded(client, make_unit, make_user, login, post):
    unit = make_unit("U1")
    login(make_user("unit_head", units=[unit]))
    post("/units/U1/sops", {"code": "SOP-07", "title": "Firearms at the scene", "version": "2.1"})
    (added,) = events("sop.added")
    assert added.unit_id == unit.id and "SOP-07" in added.summary


def test_the_administrator_filters_the_trail_by_event_and_user(client, scored, make_user, post, login):
    post("/logout")
    login(make_user("admin", email="root@x.example"))

    def table(url: str) -> str:
        return text_of(client.get(url)).split("When Who Event What changed From", 1)[1]

    by_event = table("/admin/audit?event=response.changed")
    assert by_event.count("Self-assessment changed") == 2 and "Signed in" not in by_event
    by_user = table("/admin/audit?user=root@x.example")
    assert "Signed in" in by_user and "Self-assessment changed" not in by_user


def test_flask_audit_list_prints_one_event_per_line_newest_first(runner, scored):
    result = runner.invoke(args=["audit", "list", "--limit", "2"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 2
    when, name, email, address, obj, *_rest = lines[0].split("\t")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", when)
    assert (name, email, address, obj) == ("response.changed", "head@u1.example", "127.0.0.1", "response:AAA-01")
    assert '"after": {"evidence_note": "SOP-01 s. 4", "value": 3}' in lines[0]
    logins = runner.invoke(args=["audit", "list", "--event", "auth.login", "--user", "HEAD@u1.example"]).output
    assert logins.splitlines() and all("\tauth.login\thead@u1.example\t" in line for line in logins.splitlines())
    assert runner.invoke(args=["audit", "list", "--event", "auth.*"]).output.count("auth.login") >= 1
    assert runner.invoke(args=["audit", "list", "--limit", "0"]).exit_code == 2


def test_an_audit_line_stays_one_line_whatever_a_summary_holds(runner, app):
    from app.services.accounts.audit import record

    record("sop.added", summary="SOP-9\tInjected\nauth.login\tadmin@x.example")
    db.session.commit()
    lines = runner.invoke(args=["audit", "list", "--limit", "1"]).output.splitlines()
    assert (
        len(lines) == 1
        and lines[0].count("\t") == 5
        and lines[0].endswith("SOP-9\\tInjected\\nauth.login\\tadmin@x.example")
    )


def test_every_event_the_app_records_has_a_name_in_words():
    """A new event without a label would show its code in History: name it in app/services/event_labels.py."""
    from pathlib import Path

    from app.services.accounts.audit import MOVE_EVENTS
    from app.services.event_labels import EVENT

    source = "\n".join(p.read_text() for p in Path("app").rglob("*.py"))
    recorded = set(re.findall(r'(?:record|_audit)\(\s*"([a-z_]+\.[a-z_]+)"', source)) | set(MOVE_EVENTS.values())
    assert recorded, "no record() calls found"
    assert sorted(recorded - EVENT.keys()) == []
