"""Every change is in the trail: the plan's six operations, the consultation record, a new assessment,
and each download of a PDF that carries the assessment record."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.workflow import Move
from app.extensions import db
from app.models import Event
from app.services.reporting.issuing import issue_report
from tests.conftest import answer_the_rest, finalise, move_to, text_of
from tests.test_plans import actions_of, response_id, suggested


def events(name: str) -> list[Event]:
    db.session.expire_all()
    return list(db.session.scalars(select(Event).where(Event.name == name).order_by(Event.id)))


@pytest.fixture
def scored(make_unit, make_user, make_assessment, login, save_response):
    """Gaps on AAA-01 (1), BBB-01 (0), AAA-02 (0) and FFF-01 (2), as tests/test_plans.py scores them."""
    unit = make_unit("U1")
    head = login(make_user("unit_head", units=[unit], email="head@u1.example"))
    assessment = make_assessment(unit)
    for rid, value in (("AAA-01", 1), ("BBB-01", 0), ("AAA-02", 0), ("FFF-01", 2), ("AAA-03", 3)):
        save_response(assessment.id, rid, score=value)
    return assessment, head


def test_each_plan_operation_is_recorded_with_what_it_changed(scored, post):
    assessment, head = scored
    actions = suggested(post, assessment.id)
    (suggestion,) = events("plan.actions_suggested")
    assert suggestion.user_email == head.email and suggestion.assessment_id == assessment.id
    assert sorted(a["gaps"] for a in suggestion.after["actions"]) == [["AAA-01", "BBB-01"], ["AAA-02"], ["FFF-01"]]

    base = f"/assessments/{assessment.id}/plan"
    post(f"{base}/bulk", {"op": "assign", "ids": [actions["FFF-01"].id], "owner": "Quality officer"})
    (assigned,) = events("plan.action_changed")
    assert assigned.before == {"owner": ""} and assigned.after == {"owner": "Quality officer"}

    records = actions["AAA-01,BBB-01"]
    post(f"{base}/{records.id}", {"title": "Write it", "status": "agreed", "version": records.version})
    edited = events("plan.action_changed")[-1]
    assert edited.after["title"] == "Write it" and edited.after["status"] == "agreed"

    post(f"{base}/{records.id}/split", {"gaps": [response_id(assessment.id, "BBB-01")]})
    (split,) = events("plan.action_split")
    assert split.after["new"]["gaps"] == ["BBB-01"] and split.after["from"]["gaps"] == ["AAA-01"]

    ids = [actions["AAA-02"].id, actions["FFF-01"].id]
    post(f"{base}/bulk", {"op": "merge", "ids": ids, "title": "Name the roles"})
    (merged,) = events("plan.actions_merged")
    assert len(merged.before["actions"]) == 2 and merged.after["action"]["gaps"] == ["AAA-02", "FFF-01"]

    gone = next(a for a in actions_of(assessment.id) if a.title == "Name the roles")
    post(f"{base}/{gone.id}/delete")
    (deleted,) = events("plan.action_deleted")
    assert deleted.before["title"] == "Name the roles" and deleted.before["gaps"] == ["AAA-02", "FFF-01"]
    assert {e.object_type for e in events("plan.action_deleted")} == {"action"}


def test_a_change_of_the_consultation_record_is_recorded(make_unit, make_user, make_assessment, login, post):
    unit = make_unit("U1")
    head = make_user("unit_head", units=[unit])
    expert = make_user("expert", units=[unit], email="expert@x.example")
    assessment = answer_the_rest(make_assessment(unit))
    move_to(assessment, Move.SUBMIT, head)
    move_to(assessment, Move.START_REVIEW, expert)
    login(expert)
    form = {"held_on": "2026-11-28", "place": "Room 2", "participants-0-name": "Ana", "minutes": "Agreed the plan."}
    post(f"/assessments/{assessment.id}/consultation", form)
    post(
        f"/assessments/{assessment.id}/consultation", form | {"minutes": "Agreed the plan and the dates.", "version": 1}
    )
    first, second = events("consultation.changed")
    assert first.after["minutes"] == "Agreed the plan." and first.after["place"] == "Room 2"
    assert second.before == {"minutes": "Agreed the plan."} and second.after == {
        "minutes": "Agreed the plan and the dates."
    }
    assert second.user_email == "expert@x.example"


def test_starting_an_assessment_is_recorded_from_the_page_and_the_command(
    make_unit, make_user, mini_version, login, post, runner
):
    unit = make_unit("U1")
    login(make_user("unit_head", units=[unit], email="head@u1.example"))
    form = {"unit": unit.id, "checklist": mini_version.id, "title": "Spring", "scope": "desk", "modules": "firearms"}
    assert post("/assessments/new", form).status_code == 302
    result = runner.invoke(args=["assessments", "create", "U1", "--title", "Autumn", "--by", "head@u1.example"])
    assert result.exit_code == 0, result.output
    created = events("assessment.created")
    assert [e.summary.split(" (")[0] for e in created] == ["Spring", "Autumn"]
    assert {e.user_email for e in created} == {"head@u1.example"} and created[1].address == "command line"


def test_downloading_a_draft_or_an_issued_pdf_is_recorded(scored, client, make_user, login, post):
    assessment, head = scored
    assert client.get(f"/assessments/{assessment.id}/report.pdf").status_code == 200
    (draft,) = events("report.draft_downloaded")
    assert draft.user_email == head.email and draft.assessment_id == assessment.id
    finalise(assessment, head)
    report = issue_report(assessment, head)
    post("/logout")
    viewer = login(make_user("viewer", units=[assessment.unit], email="director@x.example"))
    assert client.get(f"/reports/{report.id}.pdf").status_code == 200
    (issued,) = events("report.downloaded")
    assert issued.user_email == viewer.email and issued.object_id == report.reader_filename  # the copy they took


def test_the_history_of_an_action_reads_in_words(scored, post, make_user, login, client):
    assessment, _head = scored
    suggested(post, assessment.id)
    post("/logout")
    login(make_user("admin", email="root@x.example"))
    page = text_of(client.get("/admin/audit?event=plan.actions_suggested"))
    assert "Actions suggested" in page and "Write the records procedure" in page
