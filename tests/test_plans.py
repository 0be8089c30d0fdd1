"""The action plan: actions suggested from the checklist's remedies, merged, split and assigned through the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Assessment, PlannedAction
from app.services.assessment.assessments import score_sheet
from app.services.assessment.plans import plan_of
from app.services.reporting.issuing import issue_report
from tests.conftest import finalise, move_to, text_of


@pytest.fixture
def scored(make_unit, make_user, make_assessment, login, save_response):
    """Gaps: AAA-01 at 1 and BBB-01 at 0 (one remedy), AAA-02 at 0, FFF-01 at 2; AAA-03 full, no gap."""
    unit = make_unit("U1")
    head = login(make_user("unit_head", units=[unit]))
    assessment = make_assessment(unit)
    for rid, value in (("AAA-01", 1), ("BBB-01", 0), ("AAA-02", 0), ("FFF-01", 2), ("AAA-03", 3)):
        assert save_response(assessment.id, rid, score=value).status_code == 302
    return assessment, head


def actions_of(assessment_id: int) -> list[PlannedAction]:
    db.session.expire_all()
    query = select(PlannedAction).where(PlannedAction.assessment_id == assessment_id).order_by(PlannedAction.id)
    return list(db.session.scalars(query))


def gaps_of(action: PlannedAction) -> list[str]:
    return sorted(r.requirement.code for r in action.gaps)


def response_id(assessment_id: int, code: str) -> int:
    db.session.expire_all()
    return score_sheet(db.session.get(Assessment, assessment_id)).responses[code].id


def suggested(post, assessment_id: int) -> dict[str, PlannedAction]:
    assert post(f"/assessments/{assessment_id}/plan/suggest").status_code == 302
    return {",".join(gaps_of(a)): a for a in actions_of(assessment_id)}


def test_suggestions_group_the_gaps_of_one_remedy_into_one_action(scored, post, client):
    assessment, _ = scored
    actions = suggested(post, assessment.id)
    assert sorted(actions) == ["AAA-01,BBB-01", "AAA-02", "FFF-01"]
    records = actions["AAA-01,BBB-01"]
    assert (records.title, records.remedy, records.effort, records.cost) == (
        "Write the records procedure",
        "records-procedure",
        "weeks",
        "none",
    )
    assert actions["AAA-02"].title == "Name the role for the important thing."  # the checklist's advice for 0
    page = text_of(client.get(f"/assessments/{assessment.id}/plan"))
    assert "Write the records procedure" in page
    again = post(f"/assessments/{assessment.id}/plan/suggest", follow_redirects=True)
    assert "Every gap is already closed by an action." in text_of(again) and len(actions_of(assessment.id)) == 3


def test_a_new_gap_of_a_planned_remedy_joins_its_action(
    make_unit, make_user, make_assessment, login, post, save_response
):
    unit = make_unit("U1")
    login(make_user("unit_head", units=[unit]))
    assessment = make_assessment(unit)
    save_response(assessment.id, "AAA-01", score=1)
    suggested(post, assessment.id)
    save_response(assessment.id, "BBB-01", score=2)
    assert sorted(suggested(post, assessment.id)) == ["AAA-01,BBB-01"]


def test_merging_actions_through_the_bulk_form(scored, post):
    assessment, _ = scored
    actions = suggested(post, assessment.id)
    ids = [actions["AAA-02"].id, actions["FFF-01"].id]
    merged = post(f"/assessments/{assessment.id}/plan/bulk", {"op": "merge", "ids": ids, "title": "Write the roles"})
    assert merged.status_code == 302
    after = {",".join(gaps_of(a)): a for a in actions_of(assessment.id)}
    assert sorted(after) == ["AAA-01,BBB-01", "AAA-02,FFF-01"]
    assert after["AAA-02,FFF-01"].id == min(ids) and after["AAA-02,FFF-01"].title == "Write the roles"


def test_merging_needs_two_actions(scored, post, client):
    assessment, _ = scored
    actions = suggested(post, assessment.id)
    refused = post(f"/assessments/{assessment.id}/plan/bulk", {"op": "merge", "ids": [actions["AAA-02"].id]})
    assert "Choose two or more actions to merge." in text_of(client.get(refused.headers["Location"]))
    assert len(actions_of(assessment.id)) == 3


def test_an_action_of_another_assessment_cannot_be_merged_in(scored, post, make_assessment, save_response):
    assessment, head = scored
    other = make_assessment(head.units[0], title="Other")
    save_response(other.id, "AAA-02", score=0)
    foreign = suggested(post, other.id)["AAA-02"]
    own = suggested(post, assessment.id)["AAA-02"]
    post(f"/assessments/{assessment.id}/plan/bulk", {"op": "merge", "ids": [own.id, foreign.id]})
    assert [gaps_of(a) for a in actions_of(other.id)] == [["AAA-02"]]
    assert len(actions_of(assessment.id)) == 3


def test_splitting_moves_the_chosen_gaps_into_a_new_action(scored, post):
    assessment, _ = scored
    records = suggested(post, assessment.id)["AAA-01,BBB-01"]
    split = post(
        f"/assessments/{assessment.id}/plan/{records.id}/split", {"gaps": [response_id(assessment.id, "BBB-01")]}
    )
    assert split.status_code == 302
    after = {",".join(gaps_of(a)): a for a in actions_of(assessment.id)}
    assert sorted(after) == ["AAA-01", "AAA-02", "BBB-01", "FFF-01"]
    part = after["BBB-01"]
    assert split.headers["Location"].endswith(f"/plan/{part.id}")
    assert (part.title, part.effort, part.cost) == ("Write the records procedure", "weeks", "none")
    assert after["AAA-01"].id == records.id


def test_splitting_off_every_gap_is_refused(scored, post):
    assessment, _ = scored
    records = suggested(post, assessment.id)["AAA-01,BBB-01"]
    every = [response_id(assessment.id, "AAA-01"), response_id(assessment.id, "BBB-01")]
    post(f"/assessments/{assessment.id}/plan/{records.id}/split", {"gaps": every})
    assert len(actions_of(assessment.id)) == 3


def test_bulk_assign_sets_owner_due_date_and_status_on_the_chosen_actions(scored, post):
    assessment, _ = scored
    actions = suggested(post, assessment.id)
    chosen = [actions["AAA-01,BBB-01"].id, actions["FFF-01"].id]
    data = {"op": "assign", "ids": chosen, "owner": "Quality officer", "due_on": "2027-01-31", "status": "agreed"}
    assert post(f"/assessments/{assessment.id}/plan/bulk", data).status_code == 302
    after = {a.id: (a.owner, a.due_on, a.status) for a in actions_of(assessment.id)}
    assert after[chosen[0]] == after[chosen[1]] == ("Quality officer", dt.date(2027, 1, 31), "agreed")
    assert after[actions["AAA-02"].id] == ("", None, "proposed")


def test_the_plan_ranks_the_records_procedure_first(scored, post):
    assessment, _ = scored
    suggested(post, assessment.id)
    db.session.expire_all()
    plan = plan_of(score_sheet(db.session.get(Assessment, assessment.id)))
    assert plan.items[0].action.remedy == "records-procedure" and plan.unplanned == ()


def plan_changes(assessment_id: int, action_id: int, gap_id: int):
    base = f"/assessments/{assessment_id}/plan"
    return [
        (f"{base}/suggest", {}),
        (f"{base}/bulk", {"op": "assign", "ids": [action_id], "owner": "Someone"}),
        (f"{base}/{action_id}", {"title": "Changed", "status": "done", "version": 1}),
        (f"{base}/{action_id}/split", {"gaps": [gap_id]}),
        (f"{base}/{action_id}/delete", {}),
    ]


@pytest.fixture
def planned(scored, post):
    assessment, head = scored
    records = suggested(post, assessment.id)["AAA-01,BBB-01"]
    return assessment, head, records.id, response_id(assessment.id, "BBB-01")


def assert_plan_unchanged(assessment_id: int, action_id: int):
    actions = actions_of(assessment_id)
    records = next(a for a in actions if a.id == action_id)
    assert len(actions) == 3 and (records.title, records.owner) == ("Write the records procedure", "")
    assert gaps_of(records) == ["AAA-01", "BBB-01"]


def test_a_viewer_cannot_change_the_plan(planned, make_user, login, post, client):
    assessment, head, action_id, gap_id = planned
    post("/logout")
    login(make_user("viewer", units=head.units))
    assert client.get(f"/assessments/{assessment.id}/plan").status_code == 200
    for url, data in plan_changes(assessment.id, action_id, gap_id):
        assert post(url, data).status_code == 403, url
    assert_plan_unchanged(assessment.id, action_id)


def test_a_user_of_another_unit_gets_404_on_the_plan(planned, make_unit, make_user, login, post, client):
    assessment, _, action_id, gap_id = planned
    post("/logout")
    login(make_user("expert", units=[make_unit("OTHER")]))
    assert client.get(f"/assessments/{assessment.id}/plan").status_code == 404
    assert client.get(f"/assessments/{assessment.id}/plan/{action_id}").status_code == 404
    for url, data in plan_changes(assessment.id, action_id, gap_id):
        assert post(url, data).status_code == 404, url
    assert_plan_unchanged(assessment.id, action_id)


def test_the_plan_stays_open_after_finalising_until_the_report_is_issued(planned, post, client):
    assessment, head, action_id, _gap_id = planned
    finalise(db.session.get(Assessment, assessment.id), head)
    page = client.get(f"/assessments/{assessment.id}/plan").get_data(as_text=True)
    assert "/plan/bulk" in page and "Set for all chosen" in page
    owner = {"op": "assign", "ids": [action_id], "owner": "Quality officer"}
    assert post(f"/assessments/{assessment.id}/plan/bulk", owner).status_code == 302
    assert next(a for a in actions_of(assessment.id) if a.id == action_id).owner == "Quality officer"


def test_plan_changes_are_refused_once_the_report_is_issued(planned, post, client):
    assessment, head, action_id, gap_id = planned
    finalise(db.session.get(Assessment, assessment.id), head)
    issue_report(db.session.get(Assessment, assessment.id), head)
    db.session.commit()
    for url, data in plan_changes(assessment.id, action_id, gap_id):
        refused = post(url, data)
        assert refused.status_code == 409, url
        assert "The report of revision 1 is issued" in text_of(refused), url
    assert_plan_unchanged(assessment.id, action_id)
    page = client.get(f"/assessments/{assessment.id}/plan")
    assert page.status_code == 200 and "Set for all chosen" not in page.get_data(as_text=True)


def test_reopening_an_issued_assessment_opens_its_plan_again(planned, post):
    assessment, head, action_id, _gap_id = planned
    finalise(db.session.get(Assessment, assessment.id), head)
    issue_report(db.session.get(Assessment, assessment.id), head)
    move_to(db.session.get(Assessment, assessment.id), "reopen", head)
    owner = {"op": "assign", "ids": [action_id], "owner": "Quality officer"}
    assert post(f"/assessments/{assessment.id}/plan/bulk", owner).status_code == 302
