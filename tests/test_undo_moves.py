"""Moves that undo work (withdraw, return for rework, reopen the agreement, reopen) ask first,
on a page that works without JavaScript, and are never the primary button."""

from __future__ import annotations

import re

import pytest

from app.domain.workflow import Move
from tests.conftest import answer_the_rest, move_to, text_of
from tests.test_workflow import stage_of


@pytest.fixture
def people(make_unit, make_user):
    unit = make_unit("U1")
    return (
        unit,
        make_user("unit_head", units=[unit], name="Ana Head"),
        make_user("expert", units=[unit], name="Dr Kovač"),
    )


@pytest.fixture
def in_review(people, make_assessment):
    unit, head, expert = people
    assessment = make_assessment(unit)
    answer_the_rest(assessment)  # the stage guards need every requirement answered
    move_to(assessment, Move.SUBMIT, head)
    move_to(assessment, Move.START_REVIEW, expert)
    return assessment


def move_buttons(html: str) -> dict[str, str]:
    """The stage panel's moves: label -> the class of its button or link."""
    panel = html.split('class="moves"', 1)[1].split("</div>", 1)[0]
    found = {}
    for match in re.finditer(r"<(a|button)([^>]*)>([^<]+)<", panel):
        attrs, label = match.group(2), match.group(3).strip().rstrip("…")
        klass = re.search(r'class="([^"]*)"', attrs)
        found[label] = klass.group(1) if klass else ""
    return found


def test_return_for_rework_is_not_the_primary_button_and_asks_first(in_review, people, login, client):
    _unit, _head, expert = people
    login(expert)
    buttons = move_buttons(client.get(f"/assessments/{in_review.id}/consultation").get_data(as_text=True))
    assert "primary" not in buttons["Return to the unit for rework"]
    page = client.get(f"/assessments/{in_review.id}/move/return/confirm")
    assert page.status_code == 200
    assert "the self-assessment goes back to the unit for rework" in text_of(page)
    assert "Cancel, keep it as it is" in text_of(page)


def test_a_return_posted_without_consent_leads_to_the_question_and_moves_nothing(in_review, people, login, post):
    _unit, _head, expert = people
    login(expert)
    asked = post(f"/assessments/{in_review.id}/move/return")
    assert asked.status_code == 302 and asked.headers["Location"].endswith(
        f"/assessments/{in_review.id}/move/return/confirm"
    )
    assert stage_of(in_review.id) == "in_review"
    assert post(f"/assessments/{in_review.id}/move/return", {"confirm": "yes"}).status_code == 302
    assert stage_of(in_review.id) == "self_assessment"


def test_withdrawing_a_submission_asks_first(people, make_assessment, login, post, client):
    unit, head, _expert = people
    assessment = make_assessment(unit)
    answer_the_rest(assessment)  # the stage guards need every requirement answered
    move_to(assessment, Move.SUBMIT, head)
    login(head)
    assert (
        "primary"
        not in move_buttons(client.get(f"/assessments/{assessment.id}").get_data(as_text=True))[
            "Withdraw the submission"
        ]
    )
    assert "expert cannot start the review" in text_of(
        client.get(f"/assessments/{assessment.id}/move/withdraw/confirm")
    )
    post(f"/assessments/{assessment.id}/move/withdraw")
    assert stage_of(assessment.id) == "submitted"


def test_a_forward_move_stays_primary_and_one_click(people, make_assessment, login, client, post):
    unit, head, _expert = people
    assessment = answer_the_rest(make_assessment(unit))  # ready: the guard does not block it
    login(head)
    assert (
        "primary"
        in move_buttons(client.get(f"/assessments/{assessment.id}").get_data(as_text=True))["Submit for expert review"]
    )
    assert post(f"/assessments/{assessment.id}/move/submit").status_code == 302
    assert stage_of(assessment.id) == "submitted"


def test_the_question_page_refuses_whoever_may_not_make_the_move(in_review, people, make_user, login, client):
    unit, _head, _expert = people
    login(make_user("assessor", units=[unit]))
    assert client.get(f"/assessments/{in_review.id}/move/return/confirm").status_code == 403


def test_the_question_page_for_a_move_the_stage_does_not_allow_is_409(in_review, people, login, client):
    _unit, head, _expert = people
    login(head)
    assert client.get(f"/assessments/{in_review.id}/move/withdraw/confirm").status_code == 409


def test_an_unknown_move_is_404(in_review, people, login, client):
    login(people[2])
    assert client.get(f"/assessments/{in_review.id}/move/explode/confirm").status_code == 404
