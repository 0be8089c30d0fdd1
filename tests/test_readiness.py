"""What still stands between an assessment and its next stage: unanswered, re-check, unplanned gaps."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services.assessment.assessments import score_sheet
from app.services.assessment.plans import suggest_actions
from app.services.assessment.readiness import readiness_of


@pytest.fixture
def assessment(make_unit, make_assessment):
    return make_assessment(make_unit("U1"), modules=("firearms",), scope="onsite")


def answer(sheet, rid, **fields):
    response = sheet.responses[rid]
    for name, value in fields.items():
        setattr(response, name, value)
    db.session.commit()


def test_a_new_assessment_has_every_requirement_unanswered_and_nothing_else_open(assessment):
    ready = readiness_of(score_sheet(assessment))
    assert ready.unanswered == ("AAA-01", "AAA-02", "AAA-03", "BBB-01", "BBB-02", "FFF-01", "FFF-02")
    assert ready.recheck == () and ready.unplanned_gaps == ()
    assert not ready.complete


def test_na_not_evidenced_and_to_verify_on_site_count_as_answered(make_unit, make_assessment):
    desk = make_assessment(make_unit("U2"), modules=(), scope="desk")
    sheet = score_sheet(desk)
    answer(sheet, "AAA-01", not_applicable=True, na_justification="No such duty here")
    answer(sheet, "AAA-02", not_evidenced=True)
    ready = readiness_of(score_sheet(desk))
    # BBB-02 is decided from practice: a desk review counts it as to verify on site, not unanswered.
    assert ready.unanswered == ("AAA-03", "BBB-01")


def test_a_gap_is_open_until_an_action_closes_it_or_someone_leaves_it_with_a_reason(assessment):
    sheet = score_sheet(assessment)
    answer(sheet, "AAA-01", value=1, basis="sop_text")
    answer(sheet, "AAA-02", value=0, basis="sop_text")
    answer(sheet, "AAA-03", value=3, basis="sop_text")
    assert readiness_of(score_sheet(assessment)).unplanned_gaps == ("AAA-01", "AAA-02")

    answer(score_sheet(assessment), "AAA-02", no_action_reason="Covered by the national programme next year")
    assert readiness_of(score_sheet(assessment)).unplanned_gaps == ("AAA-01",)

    sheet = score_sheet(assessment)
    suggest_actions(sheet, None)
    db.session.commit()
    assert readiness_of(score_sheet(assessment)).unplanned_gaps == ()


def test_carried_answers_stay_open_until_re_checked(assessment):
    sheet = score_sheet(assessment)
    answer(sheet, "BBB-01", value=3, basis="sop_text", recheck=True, carried_from="0.9 BBB-01 (reworded)")
    ready = readiness_of(score_sheet(assessment))
    assert ready.recheck == ("BBB-01",)
    assert "BBB-01" not in ready.unanswered
