"""Who may see and change what: every route, every role, and other units' data."""

from __future__ import annotations

import pytest

from app.domain.workflow import Move, Stage
from app.extensions import db
from app.models import Assessment, Response
from app.services.assessment.access import ROLE_ACTIONS, Action, may, may_in, stage_rules
from app.services.reporting.issuing import issue_report
from tests.conftest import finalise, move_to, text_of


def test_a_unit_head_sees_nothing_of_another_unit(client, make_unit, make_user, make_assessment, login, save_response):
    mine, theirs = make_unit("U0"), make_unit("U1")
    make_assessment(mine)
    other = make_assessment(theirs)
    login(make_user("unit_head", units=[mine]))
    assert save_response(other.id, "AAA-01", score=0).status_code == 404
    assert db.session.get(Response, other.responses[0].id).value is None
    assert "U1" not in text_of(client.get("/"))


def test_unit_head_cannot_start_an_assessment_for_another_unit(client, make_unit, make_user, mini_version, login, post):
    mine, theirs = make_unit("U0"), make_unit("U1")
    login(make_user("unit_head", units=[mine]))
    response = post(
        "/assessments/new",
        {"unit": theirs.id, "checklist": mini_version.id, "title": "Sneaky", "scope": "desk"},
    )
    assert response.status_code == 400
    assert db.session.query(Assessment).count() == 0


def test_viewer_may_read_and_download_but_not_score_or_finalise(
    client, make_unit, make_user, make_assessment, login, post, save_response
):
    unit = make_unit()
    assessment = make_assessment(unit)
    login(make_user("viewer", units=[unit]))
    assert client.get(f"/assessments/{assessment.id}").status_code == 200
    assert client.get(f"/assessments/{assessment.id}/report").status_code == 200
    assert save_response(assessment.id, "AAA-01", score=3).status_code == 403
    assert post(f"/assessments/{assessment.id}/move/finalise", {"confirm": "yes"}).status_code == 403
    assert client.get("/assessments/new").status_code == 403
    assert '<form method="post" action="/assessments' not in client.get(f"/assessments/{assessment.id}/score").get_data(
        as_text=True
    )


def test_assessor_scores_but_cannot_finalise_or_edit_the_sop_register(
    client, make_unit, make_user, make_assessment, login, post, save_response
):
    unit = make_unit()
    assessment = make_assessment(unit)
    login(make_user("assessor", units=[unit]))
    assert save_response(assessment.id, "AAA-01", score=2).status_code == 302
    assert post(f"/assessments/{assessment.id}/move/finalise", {"confirm": "yes"}).status_code == 403
    assert post(f"/units/{unit.code}/sops", {"code": "X", "title": "Y", "version": "1"}).status_code == 403


def test_expert_works_in_assigned_units_only_and_never_overwrites_the_units_score(
    client, make_unit, make_user, make_assessment, login, save_response
):
    assigned, other = make_unit("A1"), make_unit("B2")
    mine, theirs = make_assessment(assigned), make_assessment(other)
    login(make_user("expert", units=[assigned]))
    assert client.get(f"/assessments/{mine.id}").status_code == 200
    refused = save_response(mine.id, "AAA-01", score=1)
    assert refused.status_code == 403 and "score the self-assessment" in text_of(refused)
    assert client.get(f"/assessments/{theirs.id}").status_code == 404


@pytest.mark.parametrize("role", ["expert", "unit_head", "assessor", "viewer"])
def test_administration_pages_refuse_everyone_but_admins(client, make_user, make_unit, login, post, role):
    login(make_user(role, units=[make_unit()]))
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/checklists").status_code == 403
    assert (
        post(
            "/admin/users", {"email": "x@y.org", "name": "X", "role": "admin", "password": "long enough pw"}
        ).status_code
        == 403
    )
    assert post("/units/", {"code": "NEW", "name": "New", "jurisdiction": "J"}).status_code == 403


def test_admin_sees_every_unit(client, make_user, make_unit, make_assessment, login):
    make_assessment(make_unit("ZZZ"))
    login(make_user("admin"))
    assert "ZZZ" in text_of(client.get("/"))


def test_policy_table(make_user, make_unit):
    unit, other = make_unit("U1"), make_unit("U2")
    for role in ROLE_ACTIONS:
        user = make_user(role, units=[unit])
        for action in Action:
            assert may(user, action, unit.id) == (action in ROLE_ACTIONS[role]), (role, action)
            assert may(user, action, other.id) == (role == "admin"), (role, action)
    assert not may(None, Action.VIEW, unit.id)
    inactive = make_user("admin", active=False)
    assert not may(inactive, Action.VIEW, unit.id)


def test_the_plan_is_open_in_every_stage_and_closes_once_the_current_revisions_report_is_issued(
    make_unit, make_user, make_assessment
):
    unit = make_unit("U1")
    head, expert, assessor = (make_user(role, units=[unit]) for role in ("unit_head", "expert", "assessor"))
    assessment = finalise(make_assessment(unit), head)
    assert may_in(head, Action.PLAN, assessment) and may_in(expert, Action.PLAN, assessment)
    assert not may_in(assessor, Action.PLAN, assessment)  # the role never plans
    issue_report(assessment, head)
    db.session.commit()
    assert not may_in(head, Action.PLAN, assessment) and not may_in(expert, Action.PLAN, assessment)
    assert Action.PLAN not in dict(stage_rules(Stage.FINALISED, assessment))
    assert Action.PLAN in dict(stage_rules(Stage.FINALISED))  # a finalised revision not yet issued
    move_to(assessment, Move.REOPEN, head)  # revision 2 has no issued report: its plan is open
    assert may_in(head, Action.PLAN, assessment)
