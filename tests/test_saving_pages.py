"""The consultation record, the action page and the plan's bulk edit answer their scripts in JSON:
saved with the new version, or refused with a code, a message and (on a conflict) the other values."""

from __future__ import annotations

import pytest

from app.domain.workflow import Move
from app.extensions import db
from app.models import PlannedAction
from app.services.assessment.workflow import consultation_of
from tests.conftest import answer_the_rest, move_to

JSON = {"Accept": "application/json"}
RECORD = {
    "held_on": "2026-03-02",
    "place": "Police Directorate, room 2",
    "participants-0-name": "Ana Petrović",
    "participants-0-role": "Head of unit",
    "minutes": "The unit accepted the findings on records.",
}


@pytest.fixture
def reviewing(make_unit, make_user, make_assessment):
    unit = make_unit("U1")
    head = make_user("unit_head", units=[unit], name="Ana Head")
    expert = make_user("expert", units=[unit], name="Dr Kovač")
    assessment = make_assessment(unit)
    answer_the_rest(assessment)  # the stage guards need every requirement answered
    move_to(assessment, Move.SUBMIT, head)
    move_to(assessment, Move.START_REVIEW, expert)
    return assessment, head, expert


def consult(post, assessment_id: int, **fields):
    return post(f"/assessments/{assessment_id}/consultation", {**RECORD, **fields}, headers=JSON)


def test_the_consultation_record_autosaves_with_its_version(reviewing, login, post):
    assessment, _head, expert = reviewing
    login(expert)
    first = consult(post, assessment.id, version="")
    assert first.status_code == 200 and first.get_json()["ok"] and first.get_json()["version"] == 1
    second = consult(post, assessment.id, version="1", minutes="More minutes.")
    assert second.get_json()["version"] == 2 and consultation_of(assessment.id).minutes == "More minutes."


def test_a_stale_consultation_record_gets_their_values_field_by_field(reviewing, make_user, login, post):
    assessment, _head, expert = reviewing
    login(expert)
    consult(post, assessment.id, version="")
    consult(post, assessment.id, version="1", minutes="The expert's later minutes.", online="y")
    refused = consult(post, assessment.id, version="1", minutes="Typed on a stale page.")
    body = refused.get_json()
    assert refused.status_code == 409 and body["error"] == "conflict" and body["version"] == 2
    theirs = {item["field"]: item["raw"] for item in body["theirs"]}
    assert theirs["minutes"] == "The expert's later minutes." and theirs["online"] == "y"
    assert theirs["participants"] == [["Ana Petrović", "Head of unit", ""]] and theirs["held_on"] == "2026-03-02"
    assert "Dr Kovač saved the consultation record" in body["message"]
    assert consultation_of(assessment.id).minutes == "The expert's later minutes."


def test_a_consultation_participant_without_a_name_is_422_by_field(reviewing, login, post):
    assessment, _head, expert = reviewing
    login(expert)
    body = consult(post, assessment.id, version="", **{"participants-1-role": "Observer"}).get_json()
    assert body["error"] == "invalid" and "needs a name" in body["errors"]["participants"]


def test_the_consultation_record_after_agreement_is_409_stage_moved(reviewing, login, post):
    assessment, head, expert = reviewing
    login(expert)
    consult(post, assessment.id, version="")
    move_to(assessment, Move.HOLD_CONSULTATION, expert)
    move_to(assessment, Move.CONFIRM_AGREEMENT, head)
    refused = consult(post, assessment.id, version="1", minutes="Late addition.")
    body = refused.get_json()
    assert refused.status_code == 409 and body["error"] == "stage_moved" and "Your input is kept" in body["message"]


@pytest.fixture
def action(make_unit, make_user, make_assessment, login, save_response, post):
    unit = make_unit("U1")
    head = login(make_user("unit_head", units=[unit], name="Ana Head"))
    assessment = make_assessment(unit)
    for rid, value in (("AAA-01", 1), ("AAA-02", 0)):
        save_response(assessment.id, rid, score=value)
    post(f"/assessments/{assessment.id}/plan/suggest")
    first = db.session.scalars(db.select(PlannedAction).where(PlannedAction.assessment_id == assessment.id)).first()
    return assessment, first, head


def edit(post, action: PlannedAction, **fields):
    data = {"title": action.title, "status": "proposed", "version": str(action.version), **fields}
    return post(f"/assessments/{action.assessment_id}/plan/{action.id}", data, headers=JSON)


def test_an_action_saves_from_its_page_with_the_new_version(action, post):
    _assessment, first, _head = action
    saved = edit(post, first, owner="Quality manager", notes="Start with the records procedure.")
    assert saved.status_code == 200 and saved.get_json()["version"] == 2
    db.session.refresh(first)
    assert (first.owner, first.notes) == ("Quality manager", "Start with the records procedure.")


def test_a_stale_action_gets_their_values(action, post):
    _assessment, first, _head = action
    edit(post, first, owner="Quality manager")
    body = edit(post, first, owner="Someone else", version="1").get_json()
    assert body["error"] == "conflict" and body["version"] == 2
    assert {i["field"]: i["raw"] for i in body["theirs"]}["owner"] == "Quality manager"


def test_an_action_without_a_title_is_422_by_field(action, post):
    _assessment, first, _head = action
    body = edit(post, first, title="").get_json()
    assert body["error"] == "invalid" and body["errors"]["title"]


def test_the_bulk_edit_answers_where_to_go_or_what_is_missing(action, post):
    assessment, first, _head = action
    url = f"/assessments/{assessment.id}/plan/bulk"
    nothing = post(url, {"ids": str(first.id), "op": "assign"}, headers=JSON)
    assert nothing.status_code == 422 and nothing.get_json()["error"] == "invalid"
    assert "Give an owner" in nothing.get_json()["message"]
    done = post(url, {"ids": str(first.id), "op": "assign", "owner": "Ana"}, headers=JSON)
    assert done.get_json()["ok"] and done.get_json()["redirect"] == f"/assessments/{assessment.id}/plan"
    db.session.refresh(first)
    assert first.owner == "Ana"
    unknown = post(url, {"ids": str(first.id), "op": "explode"}, headers=JSON)
    assert unknown.status_code == 400 and unknown.get_json()["error"] == "bad_request"
