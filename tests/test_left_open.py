"""Gaps knowingly left without an action: a reason on the plan page, taken back, audited,
version-checked, respected by suggestions and the stage guards, carried by exports and packages."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.models import Assessment, Event, PlannedAction
from app.services.assessment.assessments import score_sheet
from app.services.assessment.readiness import readiness_of
from app.services.exchange.imports import PackageRefused, import_package
from app.services.exchange.packages import build_package, package_bytes
from tests.conftest import answer_the_rest, response_of, text_of

REASON = "Covered by the ministry's national training programme in 2027."


@pytest.fixture
def gapped(make_unit, make_user, make_assessment, login, save_response):
    """A self-assessment with everything answered and two unplanned gaps: AAA-02 at 0 and FFF-01 at 2."""
    unit = make_unit("U1")
    head = login(make_user("unit_head", units=[unit], email="head@example.org"))
    assessment = make_assessment(unit)
    for rid, value in (("AAA-02", 0), ("FFF-01", 2)):
        assert save_response(assessment.id, rid, score=value).status_code == 302
    answer_the_rest(assessment)
    return assessment, head


def leave(post, assessment_id: int, rid: str, reason: str = REASON, version: int | None = None):
    version = response_of(db.session.get(Assessment, assessment_id), rid).version if version is None else version
    return post(f"/assessments/{assessment_id}/plan/gaps/{rid}/leave", {"reason": reason, "version": version})


def take_back(post, assessment_id: int, rid: str, version: int | None = None):
    version = response_of(db.session.get(Assessment, assessment_id), rid).version if version is None else version
    return post(f"/assessments/{assessment_id}/plan/gaps/{rid}/take-back", {"version": version})


def test_a_gap_left_without_an_action_with_a_reason_no_longer_blocks_submission(gapped, post, client):
    assessment, _ = gapped
    page = client.get(f"/assessments/{assessment.id}/plan")
    assert "Leave without an action" in text_of(page) and "2 gaps still need a decision." in text_of(page)
    left = leave(post, assessment.id, "AAA-02")
    assert left.status_code == 302 and left.headers["Location"].endswith("/plan#unplanned")
    assert response_of(assessment, "AAA-02").no_action_reason == REASON
    page = text_of(client.get(f"/assessments/{assessment.id}/plan"))
    assert f"Left without an action: {REASON}" in page and "1 gap still needs a decision." in page
    assert "Suggest actions for 1 gap not yet planned" in page
    assert readiness_of(score_sheet(assessment)).unplanned_gaps == ("FFF-01",)
    leave(post, assessment.id, "FFF-01", "The unit accepts this risk until the new building.")
    assert post(f"/assessments/{assessment.id}/move/submit").status_code == 302


def test_leaving_a_gap_needs_a_reason_and_the_page_says_so(gapped, post):
    assessment, _ = gapped
    refused = leave(post, assessment.id, "AAA-02", reason="   ")
    assert refused.status_code == 422
    assert "Say why this gap is left without an action." in text_of(refused)
    assert response_of(assessment, "AAA-02").no_action_reason == ""


def test_a_stale_form_gets_409_keeps_the_reason_typed_and_changes_nothing(gapped, post):
    assessment, _ = gapped
    stale = response_of(assessment, "AAA-02").version
    leave(post, assessment.id, "AAA-02", "First reason.")
    take_back(post, assessment.id, "AAA-02")
    refused = leave(post, assessment.id, "AAA-02", "Typed on a stale page.", version=stale)
    assert refused.status_code == 409
    assert "Reload the page to see their changes." in text_of(refused)
    assert "Typed on a stale page." in refused.get_data(as_text=True)
    assert response_of(assessment, "AAA-02").no_action_reason == ""


def test_taking_a_gap_back_puts_it_among_those_to_decide_again(gapped, post, client):
    assessment, _ = gapped
    leave(post, assessment.id, "AAA-02")
    back = take_back(post, assessment.id, "AAA-02")
    assert back.status_code == 302
    assert response_of(assessment, "AAA-02").no_action_reason == ""
    assert readiness_of(score_sheet(assessment)).unplanned_gaps == ("AAA-02", "FFF-01")
    assert take_back(post, assessment.id, "AAA-02").status_code == 409  # nothing left to take back


def test_leaving_and_taking_back_are_on_the_audit_trail_and_the_cards_history(gapped, post, client):
    assessment, head = gapped
    leave(post, assessment.id, "AAA-02")
    take_back(post, assessment.id, "AAA-02")
    events = db.session.scalars(db.select(Event).where(Event.name.like("plan.gap_%")).order_by(Event.id)).all()
    assert [(e.name, e.user_email, e.object_id, e.assessment_id) for e in events] == [
        ("plan.gap_left_open", head.email, "AAA-02", assessment.id),
        ("plan.gap_taken_back", head.email, "AAA-02", assessment.id),
    ]
    assert events[0].after == {"no_action_reason": REASON} and events[1].after == {"no_action_reason": ""}
    history = text_of(client.get(f"/assessments/{assessment.id}/history/AAA-02"))
    assert "Gap left without an action" in history and "Gap taken back into the plan" in history


def test_a_gap_an_action_closes_cannot_be_left_open(gapped, post):
    assessment, _ = gapped
    assert post(f"/assessments/{assessment.id}/plan/suggest").status_code == 302
    refused = leave(post, assessment.id, "AAA-02")
    assert refused.status_code == 409 and "is not a gap without an action any more" in text_of(refused)
    assert response_of(assessment, "AAA-02").no_action_reason == ""


def test_suggestions_leave_gaps_left_open_alone(gapped, post):
    assessment, _ = gapped
    leave(post, assessment.id, "AAA-02")
    assert post(f"/assessments/{assessment.id}/plan/suggest").status_code == 302
    db.session.expire_all()
    planned = [r.requirement.code for a in db.session.scalars(db.select(PlannedAction)) for r in a.gaps]
    assert planned == ["FFF-01"]


@pytest.mark.parametrize("role", ["viewer", "assessor"])
def test_roles_that_do_not_plan_cannot_leave_or_take_back_a_gap(gapped, make_user, login, post, role):
    assessment, head = gapped
    leave(post, assessment.id, "FFF-01")
    post("/logout")
    login(make_user(role, units=head.units))
    assert leave(post, assessment.id, "AAA-02").status_code == 403
    assert take_back(post, assessment.id, "FFF-01").status_code == 403
    assert response_of(assessment, "AAA-02").no_action_reason == ""
    assert response_of(assessment, "FFF-01").no_action_reason == REASON


def test_another_units_people_get_404_and_a_post_without_csrf_is_refused(
    gapped, make_unit, make_user, login, post, client
):
    assessment, _ = gapped
    url = f"/assessments/{assessment.id}/plan/gaps/AAA-02/leave"
    version = response_of(assessment, "AAA-02").version
    assert client.post(url, data={"reason": REASON, "version": version}).status_code == 400
    post("/logout")
    login(make_user("unit_head", units=[make_unit("OTHER")]))
    assert leave(post, assessment.id, "AAA-02").status_code == 404
    assert response_of(assessment, "AAA-02").no_action_reason == ""


def test_an_unknown_requirement_is_404(gapped, post):
    assessment, _ = gapped
    assert (
        post(f"/assessments/{assessment.id}/plan/gaps/NOPE-99/leave", {"reason": REASON, "version": 1}).status_code
        == 404
    )


def test_exports_carry_the_reason_a_gap_is_left_without_an_action(gapped, post, client):
    assessment, _ = gapped
    leave(post, assessment.id, "AAA-02")
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/assessments/{assessment.id}/export.csv").data.decode("utf-8-sig")))
    )
    by_id = {row["Requirement"]: row for row in rows}
    assert by_id["AAA-02"]["Left without an action because"] == REASON
    assert by_id["FFF-01"]["Left without an action because"] == ""
    book = load_workbook(io.BytesIO(client.get(f"/assessments/{assessment.id}/export.xlsx").data))
    header = [c.value for c in book["Responses"][1]]
    assert "Left without an action because" in header


def test_the_package_carries_the_reason_only_where_set_and_an_import_restores_it(gapped, post):
    assessment, _ = gapped
    before = build_package(db.session.get(Assessment, assessment.id))
    assert not any("no_action_reason" in entry for entry in before["responses"])  # other packages unchanged
    leave(post, assessment.id, "AAA-02")
    db.session.expire_all()
    package = build_package(db.session.get(Assessment, assessment.id))
    entries = {entry["requirement"]: entry for entry in package["responses"]}
    assert entries["AAA-02"]["no_action_reason"] == REASON and "no_action_reason" not in entries["FFF-01"]
    copy = import_package(package_bytes(package)).assessment
    assert response_of(copy, "AAA-02").no_action_reason == REASON
    assert response_of(copy, "FFF-01").no_action_reason == ""
    assert readiness_of(score_sheet(copy)).unplanned_gaps == ("FFF-01",)


def test_a_package_with_a_reason_holding_a_control_character_is_refused(gapped, post):
    assessment, _ = gapped
    package = build_package(db.session.get(Assessment, assessment.id))
    package["responses"][0]["no_action_reason"] = "bad\x00reason"
    with pytest.raises(PackageRefused):
        import_package(package_bytes(package))
    assert db.session.scalar(db.select(db.func.count(Assessment.id))) == 1
