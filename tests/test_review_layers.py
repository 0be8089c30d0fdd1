"""The layers of a card: the unit's self-assessment, the expert's review and agreed score, the unit's reply."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app.domain.workflow import Move
from app.extensions import db
from app.models import Assessment, Consultation
from app.services.assessment.access import Action, may_in
from app.services.assessment.assessments import score_sheet
from app.services.assessment.plans import suggest_actions
from tests.conftest import answer_the_rest, move_to, response_of, text_of


class People:
    def __init__(self, unit, make_user, post, login):
        self.unit = unit
        self.head = make_user("unit_head", units=[unit], name="Ana Head")
        self.assessor = make_user("assessor", units=[unit], name="Luka Assessor")
        self.expert = make_user("expert", units=[unit], name="Dr Marko Expert")
        self.other_expert = make_user("expert", units=[unit], name="Dr Second Expert")
        self._post, self._login = post, login

    def sign_in(self, user):
        self._post("/logout")  # signing in while signed in does not switch users
        return self._login(user)


@pytest.fixture
def people(make_unit, make_user, post, login):
    return People(make_unit("U1"), make_user, post, login)


@pytest.fixture
def in_review(people, make_assessment, save_response):
    """An assessment the unit scored (AAA-01 at 3, AAA-02 at 2) and the expert is now reviewing."""
    assessment = make_assessment(people.unit)
    people.sign_in(people.head)
    assert save_response(assessment.id, "AAA-01", score=3, evidence_note="Form F-12 covers it.").status_code == 302
    assert save_response(assessment.id, "AAA-02", score=2).status_code == 302
    answer_the_rest(assessment)
    suggest_actions(score_sheet(assessment), people.head)  # AAA-02's gap is planned before submitting
    move_to(assessment, Move.SUBMIT, people.head)
    move_to(assessment, Move.START_REVIEW, people.expert)
    return assessment


def hold_consultation(assessment, people):
    db.session.add(Consultation(assessment=assessment, held_on=dt.date(2026, 3, 2), participants=[{"name": "Ana"}]))
    db.session.commit()
    move_to(assessment, Move.HOLD_CONSULTATION, people.expert)


def test_expert_review_never_changes_the_units_own_score(people, in_review, save_review):
    people.sign_in(people.expert)
    saved = save_review(in_review.id, "AAA-01", score=1, stance="disagree", comment="The form is not used.")
    assert saved.status_code == 302
    response = response_of(in_review, "AAA-01")
    assert (response.value, response.evidence_note, response.version) == (3, "Form F-12 covers it.", 2)
    assert (response.review.value, response.review.stance) == (1, "disagree")


def test_unit_cannot_change_its_self_assessment_after_submitting(people, make_assessment, save_response):
    assessment = make_assessment(people.unit)
    people.sign_in(people.head)
    save_response(assessment.id, "AAA-01", score=3)
    answer_the_rest(assessment)
    move_to(assessment, Move.SUBMIT, people.head)
    assert save_response(assessment.id, "AAA-01", score=0).status_code == 409
    move_to(assessment, Move.START_REVIEW, people.expert)
    people.sign_in(people.assessor)
    refused = save_response(assessment.id, "AAA-01", score=0)
    assert refused.status_code == 409 and "In review" in text_of(refused)
    assert response_of(assessment, "AAA-01").value == 3


def test_expert_cannot_overwrite_the_units_self_assessment(people, make_assessment, in_review, save_response):
    people.sign_in(people.expert)
    draft = make_assessment(people.unit)
    assert save_response(draft.id, "AAA-01", score=0).status_code == 403
    assert save_response(in_review.id, "AAA-01", score=0).status_code == 403
    assert response_of(draft, "AAA-01").value is None and response_of(in_review, "AAA-01").value == 3


def test_units_reply_and_unit_heads_dissent_are_saved(people, in_review, save_review, save_reply):
    people.sign_in(people.expert)
    save_review(in_review.id, "AAA-01", score=1, stance="query", comment="Which record shows it?")
    people.sign_in(people.head)
    assert save_reply(in_review.id, "AAA-01", reply="Form F-12, annex 2.").status_code == 302
    review = response_of(in_review, "AAA-01").review  # the reply leaves the expert's layer alone
    assert (review.value, review.stance, review.comment, review.version) == (1, "query", "Which record shows it?", 2)
    hold_consultation(in_review, people)
    assert save_reply(in_review.id, "AAA-01", dissent="Records will be shown on site.").status_code == 302
    response = response_of(in_review, "AAA-01")
    assert (response.reply, response.dissent, response.value) == (
        "Form F-12, annex 2.",
        "Records will be shown on site.",
        3,
    )


def test_assessor_may_reply_but_not_dissent(people, in_review, save_reply):
    hold_consultation(in_review, people)
    assert may_in(people.assessor, Action.REPLY, in_review) and not may_in(people.assessor, Action.DISSENT, in_review)
    people.sign_in(people.assessor)
    refused = save_reply(in_review.id, "AAA-02", reply="We have the role list.", dissent="We do not accept the score.")
    assert refused.status_code == 403 and "dissent" in text_of(refused)
    assert response_of(in_review, "AAA-02").dissent == ""
    assert save_reply(in_review.id, "AAA-02", reply="We have the role list.").status_code == 302
    response = response_of(in_review, "AAA-02")
    assert response.reply == "We have the role list." and response.dissent == ""


def test_expert_can_neither_reply_nor_dissent_for_the_unit(people, in_review, save_reply):
    people.sign_in(people.expert)
    assert save_reply(in_review.id, "AAA-01", reply="Speaking for the unit").status_code == 403
    assert response_of(in_review, "AAA-01").reply == ""


def test_agreed_score_counts_in_the_results_while_the_self_score_stays_visible(people, in_review, save_review, client):
    people.sign_in(people.expert)
    save_review(in_review.id, "AAA-01", score=1, stance="disagree", comment="The form is not used.")
    hold_consultation(in_review, people)
    assert (
        save_review(in_review.id, "AAA-01", score=1, stance="disagree", comment="Agreed.", agreed=1).status_code == 302
    )
    db.session.expire_all()
    sheet = score_sheet(db.session.get(Assessment, in_review.id))
    assert sheet.answers["AAA-01"].value == 1 and sheet.responses["AAA-01"].value == 3
    assert [g.requirement.id for g in sheet.result.major_gaps] == ["AAA-01"]
    assert "AAA-01" not in [g.requirement.id for g in sheet.self_result.gaps]
    people.sign_in(people.head)
    card = text_of(client.get(f"/assessments/{in_review.id}/score?section=AAA"))
    assert "Score 3 · Fully addressed" in card and "Agreed score 1 · Partially addressed" in card
    report = text_of(client.get(f"/assessments/{in_review.id}/report"))
    differences = report.split("Where the unit, the expert and the agreement differ", 1)[1].split("4. Calibration", 1)[
        0
    ]
    # unit 3, expert 1, agreed 1, in that order, whatever the layout
    assert re.search(r"AAA-01 Essential thing\D*\b3\b\D+\b1\b\D+\b1\b", differences), differences


def theirs_of(conflict) -> dict[str, str]:
    return {item["field"]: item["value"] for item in conflict.get_json()["theirs"]}


def test_a_stale_self_assessment_gives_409_with_the_other_persons_values(people, make_assessment, save_response):
    assessment = make_assessment(people.unit)
    people.sign_in(people.head)
    assert (
        save_response(assessment.id, "AAA-01", score=1, evidence_note="One sentence only.", version=1).status_code
        == 302
    )
    people.sign_in(people.assessor)  # opened the card at version 1 too
    stale = save_response(assessment.id, "AAA-01", json=True, score=0, version=1)
    assert stale.status_code == 409 and stale.get_json()["version"] == 2
    assert "Ana Head" in stale.get_json()["message"]
    theirs = theirs_of(stale)
    assert (theirs["score"], theirs["evidence_note"]) == ("1", "One sentence only.")
    assert response_of(assessment, "AAA-01").value == 1


def test_a_stale_review_gives_409_with_the_other_experts_values(people, in_review, save_review):
    people.sign_in(people.expert)
    first = save_review(in_review.id, "AAA-01", score=1, stance="disagree", comment="No form.", version=1)
    assert first.status_code == 302
    people.sign_in(people.other_expert)
    stale = save_review(in_review.id, "AAA-01", json=True, score=3, stance="agree", version=1)
    assert stale.status_code == 409 and stale.get_json()["version"] == 2
    theirs = theirs_of(stale)
    assert (theirs["score"], theirs["stance"], theirs["comment"]) == ("1", "Disagree", "No form.")
    assert response_of(in_review, "AAA-01").review.value == 1


def test_a_save_without_a_version_is_refused_and_nothing_changes(
    people, make_assessment, in_review, save_response, save_review, save_reply
):
    draft = make_assessment(people.unit)
    people.sign_in(people.head)
    refused = save_response(draft.id, "AAA-01", json=True, score=2, version=None)
    assert refused.status_code == 422 and "version" in refused.get_json()["errors"]
    assert (response_of(draft, "AAA-01").value, response_of(draft, "AAA-01").version) == (None, 1)
    assert save_reply(in_review.id, "AAA-01", reply="No version", version=None).status_code == 422
    people.sign_in(people.expert)
    assert save_review(in_review.id, "AAA-01", score=0, stance="agree", version=None).status_code == 422
    stored = response_of(in_review, "AAA-01")
    assert (stored.reply, stored.review.value, stored.review.stance, stored.review.version) == ("", None, None, 1)


@pytest.mark.parametrize("stance", ["disagree", "query"])
def test_a_disagreement_or_query_without_a_comment_is_refused(people, in_review, save_review, stance):
    people.sign_in(people.expert)
    refused = save_review(in_review.id, "AAA-01", json=True, score=1, stance=stance, comment="   ")
    assert refused.status_code == 422 and "comment" in refused.get_json()["errors"]
    review = response_of(in_review, "AAA-01").review
    assert (review.value, review.stance) == (None, None)
    assert save_review(in_review.id, "AAA-01", score=3, stance="agree", comment="").status_code == 302
