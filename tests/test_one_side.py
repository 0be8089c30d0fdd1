"""One person never acts as both the expert and the unit on one assessment: who acted on which
side is recorded, the other side's actions are refused with a reason and not offered, an
administrator may still manage people, and the report names who did each part."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.domain.workflow import Move
from app.extensions import db
from app.models import AssessmentPart, Consultation
from tests.conftest import answer_the_rest, move_to, text_of
from tests.test_query_counts import counted

UNIT_ACCEPTANCE = (
    "You wrote the expert's review on this assessment, so you cannot also accept the agreed scores: "
    "that must come from the unit's own people."
)


@pytest.fixture
def team(make_unit, make_user):
    unit = make_unit("U1")
    return {
        "unit": unit,
        "head": make_user("unit_head", units=[unit], email="head@example.org", name="Ana Head"),
        "expert": make_user("expert", units=[unit], email="expert@example.org", name="Dr Kovač"),
        "admin": make_user("admin", email="admin@example.org", name="Ada Admin"),
    }


def in_review(make_assessment, team):
    assessment = answer_the_rest(make_assessment(team["unit"]))
    move_to(assessment, Move.SUBMIT, team["head"])
    move_to(assessment, Move.START_REVIEW, team["expert"])
    return assessment


def held(assessment, team):
    db.session.add(Consultation(assessment=assessment, held_on=dt.date(2026, 3, 2), participants=[{"name": "A"}]))
    db.session.commit()
    move_to(assessment, Move.HOLD_CONSULTATION, team["expert"])
    return assessment


def parts_of(assessment_id: int) -> list[tuple[str, str, str]]:
    db.session.expire_all()
    rows = db.session.scalars(select(AssessmentPart).where(AssessmentPart.assessment_id == assessment_id))
    return sorted((p.user.email, p.side, p.action) for p in rows)


def test_an_administrator_who_wrote_the_review_cannot_accept_it_for_the_unit(
    team, make_assessment, login, post, client, save_review
):
    assessment = in_review(make_assessment, team)
    login(team["admin"])
    assert save_review(assessment.id, "AAA-01", score=3, stance="agree").status_code == 302
    held(assessment, team)
    page = text_of(client.get(f"/assessments/{assessment.id}"))
    assert "Accept the agreed scores" not in page  # the panel does not offer the unit's move
    refused = post(f"/assessments/{assessment.id}/move/confirm_agreement")
    assert refused.status_code == 403 and UNIT_ACCEPTANCE in text_of(refused)
    assert parts_of(assessment.id)[0] == ("admin@example.org", "expert", "review")
    post("/logout")
    login(team["head"])
    assert post(f"/assessments/{assessment.id}/move/confirm_agreement").status_code == 302


def test_an_administrator_who_scored_for_the_unit_is_offered_no_review_layer_and_is_refused_one(
    team, make_assessment, login, post, client, save_response, save_review
):
    assessment = make_assessment(team["unit"])
    login(team["admin"])
    assert save_response(assessment.id, "AAA-01", score=2).status_code == 302
    answer_the_rest(assessment)
    post("/logout")
    login(team["head"])
    post(f"/assessments/{assessment.id}/plan/suggest")
    move_to(assessment, Move.SUBMIT, team["head"])
    move_to(assessment, Move.START_REVIEW, team["expert"])
    post("/logout")
    login(team["admin"])
    page = client.get(f"/assessments/{assessment.id}/score?section=AAA").get_data(as_text=True)
    assert f"/assessments/{assessment.id}/reviews/AAA-01" not in page
    refused = save_review(assessment.id, "AAA-01", score=1, stance="disagree", comment="No.")
    assert refused.status_code == 403
    assert "You scored the unit's self-assessment on this assessment, so you cannot also review" in text_of(refused)
    assert "must come from the expert reviewing it" in text_of(refused)


def test_an_administrator_who_returned_it_cannot_finalise_it_for_the_unit_from_the_command_line(
    runner, team, make_assessment
):
    assessment = in_review(make_assessment, team)
    move_to(assessment, Move.RETURN, team["expert"])  # back to the self-assessment
    result = runner.invoke(args=["assessments", "finalise", str(assessment.id), "--by", "admin@example.org"])
    assert result.exit_code == 0  # the administrator took no part yet
    assessment = in_review(make_assessment, team)
    move_to(assessment, Move.RETURN, team["admin"])
    result = runner.invoke(args=["assessments", "finalise", str(assessment.id), "--by", "admin@example.org"])
    assert result.exit_code == 1
    assert "You returned the assessment to the unit on this assessment" in result.output
    assert "must come from the unit's own people" in result.output


def test_an_administrator_who_reviewed_may_still_manage_people(team, make_assessment, login, post, client, save_review):
    assessment = in_review(make_assessment, team)
    login(team["admin"])
    save_review(assessment.id, "AAA-01", score=3, stance="agree")
    assert client.get("/admin/users").status_code == 200
    created = post("/admin/users", {"email": "new@example.org", "name": "New Person", "role": "assessor"})
    assert created.status_code in (200, 302) and "new@example.org" in text_of(client.get("/admin/users"))


def test_each_person_and_action_is_recorded_once_with_the_first_time(team, make_assessment, login, save_response):
    assessment = make_assessment(team["unit"])
    login(team["head"])
    save_response(assessment.id, "AAA-01", score=2)
    first = db.session.scalar(select(AssessmentPart.first_at))
    save_response(assessment.id, "AAA-02", score=3)
    assert parts_of(assessment.id) == [("head@example.org", "unit", "score")]
    assert db.session.scalar(select(AssessmentPart.first_at)) == first


def test_the_report_names_who_did_each_part(team, make_assessment, login, post, client, save_response, save_review):
    assessment = make_assessment(team["unit"])
    login(team["head"])
    save_response(assessment.id, "AAA-01", score=3)
    answer_the_rest(assessment)
    move_to(assessment, Move.SUBMIT, team["head"])
    move_to(assessment, Move.START_REVIEW, team["expert"])
    post("/logout")
    login(team["expert"])
    save_review(assessment.id, "AAA-01", score=3, stance="agree")
    held(assessment, team)
    move_to(assessment, Move.CONFIRM_AGREEMENT, team["head"])
    move_to(assessment, Move.FINALISE, team["admin"])  # finalising belongs to neither side
    cover = text_of(client.get(f"/assessments/{assessment.id}/report"))
    for line in (
        "Self-assessment by Ana Head",
        "Review by Dr Kovač",
        "Consultation held by Dr Kovač",
        "Agreement confirmed by Ana Head",
        "Finalised by Ada Admin",
    ):
        assert line in cover, line


def test_the_scoring_page_runs_the_same_number_of_queries_with_parts_recorded(
    team, make_assessment, login, client, save_response
):
    small, large = make_assessment(team["unit"], modules=()), make_assessment(team["unit"], title="Large")
    login(team["head"])
    for assessment in (small, large):
        save_response(assessment.id, "AAA-01", score=2)
    counts = []
    for assessment in (small, large):
        with counted() as statements:
            assert client.get(f"/assessments/{assessment.id}/score?filter=all").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
