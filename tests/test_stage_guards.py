"""Stage guards: submitting, accepting the agreed scores and finalising a reviewed assessment
need every requirement in scope answered, every carried answer re-checked and every gap planned
or knowingly left open; an internal check may stay partial. Page, stage panel and command agree."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.workflow import Move
from app.extensions import db
from app.models import Assessment, Consultation
from app.services.assessment.assessments import score_sheet
from app.services.assessment.plans import suggest_actions
from app.services.assessment.responses import ensure_review
from tests.conftest import answer_the_rest, move_to, response_of, text_of

ALL = ("AAA-01", "AAA-02", "AAA-03", "BBB-01", "BBB-02", "FFF-01", "FFF-02")


def stage_of(assessment_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Assessment, assessment_id).stage


@pytest.fixture
def people(make_unit, make_user):
    unit = make_unit("U1")
    return {
        "unit": unit,
        "head": make_user("unit_head", units=[unit], email="head@example.org"),
        "expert": make_user("expert", units=[unit], email="expert@example.org"),
    }


def agreed_with_lowered_score(assessment: Assessment, people) -> Assessment:
    """Reviewed and agreed: the unit said 3 everywhere, the agreement lowered AAA-01 to 1 (a gap, planned)."""
    answer_the_rest(assessment)
    move_to(assessment, Move.SUBMIT, people["head"])
    move_to(assessment, Move.START_REVIEW, people["expert"])
    db.session.add(Consultation(assessment=assessment, held_on=dt.date(2026, 3, 2), participants=[{"name": "A"}]))
    move_to(assessment, Move.HOLD_CONSULTATION, people["expert"])
    review = ensure_review(response_of(assessment, "AAA-01"))
    review.value, review.stance, review.comment, review.agreed_value = 1, "disagree", "No form.", 1
    db.session.commit()
    suggest_actions(score_sheet(assessment), people["head"])
    move_to(assessment, Move.CONFIRM_AGREEMENT, people["head"])
    return assessment


def test_unit_head_cannot_submit_with_requirements_unanswered_and_is_told_which_and_where(
    people, make_assessment, login, post, client, save_response
):
    assessment = make_assessment(people["unit"])
    login(people["head"])
    save_response(assessment.id, "AAA-01", score=3)
    refused = post(f"/assessments/{assessment.id}/move/submit")
    assert refused.status_code == 303 and stage_of(assessment.id) == "self_assessment"
    page = text_of(client.get(refused.headers["Location"]))
    assert "You cannot submit for expert review yet." in page
    assert "6 requirements in scope are unanswered (AAA-02, AAA-03, BBB-01, BBB-02, FFF-01 and 1 more)" in page
    assert "filter 'Not yet assessed'" in page


def test_the_stage_panel_says_why_submitting_is_blocked_before_anyone_tries(people, make_assessment, login, client):
    assessment = make_assessment(people["unit"])
    login(people["head"])
    page = text_of(client.get(f"/assessments/{assessment.id}"))
    assert "Submit for expert review" in page
    assert "7 requirements in scope are unanswered" in page


def test_na_with_a_reason_not_evidenced_and_to_verify_on_site_count_as_answered(
    people, make_assessment, login, post, save_response
):
    assessment = make_assessment(people["unit"], modules=(), scope="desk")  # BBB-02 is to verify on site
    login(people["head"])
    assert save_response(assessment.id, "AAA-01", score="na", na_justification="No such duty here").status_code == 302
    assert save_response(assessment.id, "AAA-02", score="ne").status_code == 302
    assert save_response(assessment.id, "AAA-03", score=3).status_code == 302
    assert save_response(assessment.id, "BBB-01", score=3).status_code == 302
    assert post(f"/assessments/{assessment.id}/move/submit").status_code == 302
    assert stage_of(assessment.id) == "submitted"


def test_a_gap_without_an_action_blocks_submission_until_it_is_planned(
    people, make_assessment, login, post, client, save_response
):
    assessment = answer_the_rest(make_assessment(people["unit"]))
    login(people["head"])
    save_response(assessment.id, "AAA-02", score=1)
    refused = post(f"/assessments/{assessment.id}/move/submit")
    assert "1 gap has no action and no reason (AAA-02)" in text_of(client.get(refused.headers["Location"]))
    assert stage_of(assessment.id) == "self_assessment"
    assert post(f"/assessments/{assessment.id}/plan/suggest").status_code == 302
    assert post(f"/assessments/{assessment.id}/move/submit").status_code == 302
    assert stage_of(assessment.id) == "submitted"


def test_a_carried_answer_not_re_checked_blocks_submission(people, make_assessment, login, post, client):
    assessment = answer_the_rest(make_assessment(people["unit"]))
    carried = response_of(assessment, "BBB-01")
    carried.carried_from, carried.recheck = "0.9 BBB-01 (reworded)", True
    db.session.commit()
    login(people["head"])
    refused = post(f"/assessments/{assessment.id}/move/submit")
    assert "1 carried answer is not re-checked (BBB-01)" in text_of(client.get(refused.headers["Location"]))
    assert stage_of(assessment.id) == "self_assessment"


def test_a_gap_the_agreement_opens_blocks_accepting_it_until_planned(people, make_assessment):
    from app.services.assessment.workflow import MoveRefused
    from app.services.assessment.workflow import move as workflow_move

    assessment = answer_the_rest(make_assessment(people["unit"]))
    move_to(assessment, Move.SUBMIT, people["head"])
    move_to(assessment, Move.START_REVIEW, people["expert"])
    db.session.add(Consultation(assessment=assessment, held_on=dt.date(2026, 3, 2), participants=[{"name": "A"}]))
    move_to(assessment, Move.HOLD_CONSULTATION, people["expert"])
    review = ensure_review(response_of(assessment, "FFF-01"))
    review.value, review.stance, review.comment, review.agreed_value = 0, "disagree", "Nothing written.", 0
    db.session.commit()
    with pytest.raises(MoveRefused, match=r"1 gap has no action and no reason \(FFF-01\)") as refused:
        workflow_move(score_sheet(assessment), Move.CONFIRM_AGREEMENT, people["head"])
    assert refused.value.readiness.unplanned_gaps == ("FFF-01",)
    db.session.rollback()
    assert stage_of(assessment.id) == "consultation_held"


def test_finalise_page_lists_what_blocks_a_reviewed_assessment_with_links_and_no_finalise_button(
    people, make_assessment, login, post, client
):
    assessment = agreed_with_lowered_score(make_assessment(people["unit"]), people)
    login(people["head"])
    action_id = score_sheet(assessment).actions[0].id
    assert post(f"/assessments/{assessment.id}/plan/{action_id}/delete").status_code == 302  # the plan stays open
    page = client.get(f"/assessments/{assessment.id}/finalise")
    html, text = page.get_data(as_text=True), text_of(page)
    assert page.status_code == 200 and "Not ready to finalise" in text
    assert "1 gap has no action and no reason: AAA-01" in text
    assert f'href="/assessments/{assessment.id}/plan#unplanned"' in html
    assert "move/finalise" not in html
    refused = post(f"/assessments/{assessment.id}/move/finalise", {"confirm": "yes"})
    assert refused.status_code == 303 and stage_of(assessment.id) == "agreed"


def test_finalise_page_links_unanswered_and_re_check_to_the_scoring_filters(people, make_assessment, login, client):
    assessment = agreed_with_lowered_score(make_assessment(people["unit"]), people)
    # What an upgrade or a data fix could leave behind: an unanswered card, a carried answer to re-check.
    response_of(assessment, "AAA-02").value = None
    carried = response_of(assessment, "BBB-01")
    carried.carried_from, carried.recheck = "0.9 BBB-01 (split)", True
    db.session.commit()
    login(people["head"])
    page = client.get(f"/assessments/{assessment.id}/finalise")
    html, text = page.get_data(as_text=True), text_of(page)
    assert "1 requirement in scope is unanswered: AAA-02" in text
    assert "1 carried answer is not re-checked: BBB-01" in text
    assert f'href="/assessments/{assessment.id}/score?filter=unassessed"' in html
    assert f'href="/assessments/{assessment.id}/score?filter=recheck"' in html


def test_a_whole_reviewed_assessment_is_finalised(people, make_assessment, login, post):
    assessment = agreed_with_lowered_score(make_assessment(people["unit"]), people)
    login(people["head"])
    assert post(f"/assessments/{assessment.id}/move/finalise", {"confirm": "yes"}).status_code == 302
    assert stage_of(assessment.id) == "finalised"


def test_an_internal_check_may_be_finalised_partial_and_its_page_says_so(
    people, make_assessment, login, post, client, save_response
):
    assessment = make_assessment(people["unit"])
    login(people["head"])
    save_response(assessment.id, "AAA-01", score=1)  # a gap, unplanned, and six unanswered
    page = text_of(client.get(f"/assessments/{assessment.id}/finalise"))
    assert "An internal check may be partial" in page and "6 requirements in scope are unanswered" in page
    assert "Finalise with 6 requirements unanswered" in page
    assert post(f"/assessments/{assessment.id}/move/finalise", {"confirm": "yes"}).status_code == 302
    assert stage_of(assessment.id) == "finalised"


def invoke(runner, *args):
    return runner.invoke(args=list(args))


def test_the_finalise_command_exits_1_with_a_reason_and_one_count_per_line_when_blocked(
    runner, people, make_assessment, login, post
):
    assessment = agreed_with_lowered_score(make_assessment(people["unit"]), people)
    db.session.delete(score_sheet(assessment).actions[0])
    response_of(assessment, "AAA-02").value = None
    db.session.commit()
    result = invoke(runner, "assessments", "finalise", str(assessment.id), "--by", "head@example.org")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(f"Cannot finalise assessment {assessment.id}: You cannot finalise yet.")
    assert lines[1:] == ["unanswered in scope: 1", "re-check left: 0", "gaps without action: 1"]
    assert stage_of(assessment.id) == "agreed"


def test_the_finalise_command_finalises_an_internal_check_however_partial(runner, people, make_assessment):
    assessment = make_assessment(people["unit"])
    result = invoke(runner, "assessments", "finalise", str(assessment.id), "--by", "head@example.org")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Finalised assessment {assessment.id} revision 1 (internal check, no expert review)"
        "; 7 requirements were unanswered\n"
    )
