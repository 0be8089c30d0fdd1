"""Stage rules: who may make which move, in which stage, and what each move requires and does."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.domain.workflow import Move, Stage
from app.extensions import db
from app.models import Assessment, Consultation, User
from app.services.assessment.access import (
    ROLE_ACTIONS,
    STAGE_ACTIONS,
    Action,
    allowed_moves,
    move_action,
    side_of,
    stage_rules,
)
from tests.conftest import answer_the_rest, move_to, text_of

ROLES = ("admin", "expert", "unit_head", "assessor", "viewer")

#: Who may make each move, written out by hand (not derived from the policy tables under test).
MAY = {
    "submit": {"admin", "unit_head"},
    "withdraw": {"admin", "unit_head"},
    "start_review": {"admin", "expert"},
    "return": {"admin", "expert"},
    "hold_consultation": {"admin", "expert"},
    "confirm_agreement": {"admin", "unit_head"},
    "revise_agreement": {"admin", "expert", "unit_head"},
    "finalise_internal": {"admin", "unit_head"},  # finalise from the self-assessment
    "finalise": {"admin", "expert", "unit_head"},  # finalise an agreed assessment
    "reopen": {"admin", "expert", "unit_head"},
}

#: The path of an externally reviewed assessment, and the move that leaves each stage.
PATH = [
    (Stage.SELF_ASSESSMENT, Move.SUBMIT),
    (Stage.SUBMITTED, Move.START_REVIEW),
    (Stage.IN_REVIEW, Move.HOLD_CONSULTATION),
    (Stage.CONSULTATION_HELD, Move.CONFIRM_AGREEMENT),
    (Stage.AGREED, Move.FINALISE),
]

#: (move, stage it starts from, stage it leads to, who may make it)
PERMITTED = [
    ("submit", Stage.SELF_ASSESSMENT, Stage.SUBMITTED, "submit"),
    ("withdraw", Stage.SUBMITTED, Stage.SELF_ASSESSMENT, "withdraw"),
    ("start_review", Stage.SUBMITTED, Stage.IN_REVIEW, "start_review"),
    ("return", Stage.IN_REVIEW, Stage.SELF_ASSESSMENT, "return"),
    ("hold_consultation", Stage.IN_REVIEW, Stage.CONSULTATION_HELD, "hold_consultation"),
    ("confirm_agreement", Stage.CONSULTATION_HELD, Stage.AGREED, "confirm_agreement"),
    ("revise_agreement", Stage.AGREED, Stage.CONSULTATION_HELD, "revise_agreement"),
    ("finalise", Stage.SELF_ASSESSMENT, Stage.FINALISED, "finalise_internal"),
    ("finalise", Stage.AGREED, Stage.FINALISED, "finalise"),
    ("reopen", Stage.FINALISED, Stage.AGREED, "reopen"),
]

#: (move, a stage it cannot start from, who holds the action it would be there)
WRONG_STAGE = [
    ("submit", Stage.IN_REVIEW, "submit"),
    ("withdraw", Stage.SELF_ASSESSMENT, "withdraw"),
    ("start_review", Stage.SELF_ASSESSMENT, "start_review"),
    ("return", Stage.SUBMITTED, "return"),
    ("hold_consultation", Stage.SUBMITTED, "hold_consultation"),
    ("confirm_agreement", Stage.IN_REVIEW, "confirm_agreement"),
    ("revise_agreement", Stage.CONSULTATION_HELD, "revise_agreement"),
    ("finalise", Stage.SUBMITTED, "finalise"),
    ("reopen", Stage.AGREED, "reopen"),
]


def record_consultation(assessment: Assessment, participants=({"name": "Dr Expert"},), held_on=dt.date(2026, 3, 2)):
    db.session.add(Consultation(assessment=assessment, held_on=held_on, participants=list(participants)))
    db.session.commit()


def walkers(unit) -> dict[str, User]:
    """A unit head and an expert of ``unit`` who walk assessments along the path (one side each)."""
    people = {}
    for side, role in (("unit", "unit_head"), ("expert", "expert")):
        email = f"walk-{role}-{unit.code.lower()}@example.org"
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=f"Walking {role}", role=role, password_hash="-", units=[unit])
            db.session.add(user)
            db.session.commit()
        people[side] = user
    return people


def bring_to(assessment: Assessment, stage: Stage, admin) -> Assessment:
    """Walk the reviewed path until ``stage``: the unit's moves by a unit head, the expert's by an
    expert, finalising by ``admin`` (an administrator, who acts on neither side here)."""
    people = walkers(assessment.unit)
    for here, move in PATH:
        if Stage(assessment.stage) is stage:
            break
        if Stage(assessment.stage) is not here:
            continue
        if move is Move.SUBMIT:
            answer_the_rest(assessment)
        if move is Move.HOLD_CONSULTATION:
            record_consultation(assessment)
        side = side_of(move_action(move, Stage(assessment.stage)))
        move_to(assessment, move, people[side] if side else admin)
    assert Stage(assessment.stage) is stage
    return assessment


def stage_of(assessment_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Assessment, assessment_id).stage


@pytest.fixture
def unit_and_admin(make_unit, make_user):
    return make_unit("U1"), make_user("admin", email="setup-admin@example.org")


def switch_to(post, login, user):
    """Sign out whoever is signed in (signing in again does not switch users) and sign in as ``user``."""
    post("/logout")
    return login(user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("move", "start", "target", "rule"), PERMITTED, ids=lambda v: getattr(v, "value", v))
def test_a_move_from_its_own_stage_succeeds_for_roles_allowed_and_is_403_for_the_rest(
    unit_and_admin, make_user, make_assessment, login, post, role, move, start, target, rule
):
    unit, admin = unit_and_admin
    assessment = answer_the_rest(bring_to(make_assessment(unit), start, admin))
    if move == "hold_consultation":
        record_consultation(assessment)
    login(make_user(role, units=[unit]))
    response = post(f"/assessments/{assessment.id}/move/{move}", {"confirm": "yes"})
    if role in MAY[rule]:
        assert response.status_code == 302, text_of(response)
        assert stage_of(assessment.id) == target
    else:
        assert response.status_code == 403
        assert stage_of(assessment.id) == start


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("move", "stage", "rule"), WRONG_STAGE, ids=lambda v: getattr(v, "value", v))
def test_a_move_from_another_stage_is_409_for_roles_holding_it_and_403_for_the_rest(
    unit_and_admin, make_user, make_assessment, login, post, role, move, stage, rule
):
    unit, admin = unit_and_admin
    assessment = bring_to(make_assessment(unit), stage, admin)
    login(make_user(role, units=[unit]))
    response = post(f"/assessments/{assessment.id}/move/{move}", {"confirm": "yes"})
    assert response.status_code == (409 if role in MAY[rule] else 403)
    assert stage_of(assessment.id) == stage


@pytest.mark.parametrize("stage", list(Stage), ids=str)
def test_allowed_moves_and_stage_rules_agree_with_the_tables(unit_and_admin, make_user, make_assessment, stage):
    unit, admin = unit_and_admin
    assessment = bring_to(make_assessment(unit), stage, admin)
    for role in ROLES:
        user = make_user(role, units=[unit])
        expected = [Move(m) for m, start, _t, rule in PERMITTED if start is stage and role in MAY[rule]]
        assert sorted(allowed_moves(user, assessment)) == sorted(expected), role
    rules = dict(stage_rules(stage))
    for action, stages in STAGE_ACTIONS.items():
        holders = [r for r in ROLES if r != "admin" and action in ROLE_ACTIONS[r]]
        if stage in stages and holders:
            assert rules[action] == holders, action
        else:
            assert action not in rules, action
    for _move, start, _t, rule in PERMITTED:  # each move's rule lists the hand-written holders
        if start is stage:
            assert set(rules[Action(rule)]) == MAY[rule] - {"admin"}


def test_stage_rules_name_who_scores_in_the_self_assessment_and_who_reviews_in_review():
    self_rules, review_rules = dict(stage_rules(Stage.SELF_ASSESSMENT)), dict(stage_rules(Stage.IN_REVIEW))
    assert self_rules[Action.SCORE] == ["unit_head", "assessor"] and Action.REVIEW not in self_rules
    assert review_rules[Action.REVIEW] == ["expert"] and Action.SCORE not in review_rules
    assert dict(stage_rules(Stage.FINALISED))[Action.PLAN] == ["expert", "unit_head"]  # until the report is issued


def test_the_full_reviewed_path_with_the_right_roles(make_unit, make_user, make_assessment, login, post):
    unit = make_unit("U1")
    head, expert = make_user("unit_head", units=[unit]), make_user("expert", units=[unit])
    assessment = answer_the_rest(make_assessment(unit))
    url = f"/assessments/{assessment.id}"
    login(head)
    assert post(f"{url}/move/submit").status_code == 302 and stage_of(assessment.id) == "submitted"
    switch_to(post, login, expert)
    assert post(f"{url}/move/start_review").status_code == 302 and stage_of(assessment.id) == "in_review"
    consult = post(f"{url}/consultation", {"held_on": "2026-03-02", "place": "HQ", "participants-0-name": "Ana Head"})
    assert consult.status_code == 302
    assert post(f"{url}/move/hold_consultation").status_code == 302 and stage_of(assessment.id) == "consultation_held"
    switch_to(post, login, head)
    assert post(f"{url}/move/confirm_agreement").status_code == 302 and stage_of(assessment.id) == "agreed"
    assert post(f"{url}/move/finalise", {"confirm": "yes"}).status_code == 302
    db.session.expire_all()
    final = db.session.get(Assessment, assessment.id)
    assert (final.stage, final.reviewed, final.finalised_by_id) == ("finalised", True, head.id)


@pytest.mark.parametrize("record", [None, {"participants": []}], ids=["no record", "no participants"])
def test_hold_consultation_is_refused_with_a_message_until_the_consultation_is_recorded(
    unit_and_admin, make_user, make_assessment, login, post, client, record
):
    unit, admin = unit_and_admin
    assessment = bring_to(make_assessment(unit), Stage.IN_REVIEW, admin)
    if record is not None:
        record_consultation(assessment, **record)
    login(make_user("expert", units=[unit]))
    refused = post(f"/assessments/{assessment.id}/move/hold_consultation")
    assert refused.status_code == 303
    assert "Record the consultation first" in text_of(client.get(refused.headers["Location"]))
    assert stage_of(assessment.id) == "in_review"


def test_confirm_agreement_is_refused_while_a_disagreement_has_no_agreed_score(
    unit_and_admin, make_user, make_assessment, login, post, client, save_response, save_review
):
    unit, admin = unit_and_admin
    head, expert = make_user("unit_head", units=[unit]), make_user("expert", units=[unit])
    assessment = make_assessment(unit)
    login(head)
    save_response(assessment.id, "AAA-01", score=3)
    bring_to(assessment, Stage.IN_REVIEW, admin)
    switch_to(post, login, expert)
    assert (
        save_review(assessment.id, "AAA-01", score=1, stance="disagree", comment="No record form.").status_code == 302
    )
    bring_to(assessment, Stage.CONSULTATION_HELD, admin)
    switch_to(post, login, head)
    refused = post(f"/assessments/{assessment.id}/move/confirm_agreement")
    assert refused.status_code == 303
    assert "no agreed score: AAA-01" in text_of(client.get(refused.headers["Location"]))
    assert stage_of(assessment.id) == "consultation_held"
    switch_to(post, login, expert)
    agreed = save_review(assessment.id, "AAA-01", score=1, stance="disagree", comment="No record form.", agreed=2)
    assert agreed.status_code == 302
    switch_to(post, login, head)
    # Agreeing 2 where the unit said 3 opens a gap no action closes yet: it must be planned first.
    refused = post(f"/assessments/{assessment.id}/move/confirm_agreement")
    assert refused.status_code == 303
    assert "1 gap has no action and no reason (AAA-01)" in text_of(client.get(refused.headers["Location"]))
    assert post(f"/assessments/{assessment.id}/plan/suggest").status_code == 302
    assert post(f"/assessments/{assessment.id}/move/confirm_agreement").status_code == 302
    assert stage_of(assessment.id) == "agreed"


def test_finalising_without_review_is_an_internal_check_and_the_report_says_so(
    make_unit, make_user, make_assessment, login, post, client, save_response
):
    unit = make_unit("U1")
    assessment = make_assessment(unit)
    login(make_user("unit_head", units=[unit]))
    save_response(assessment.id, "AAA-01", score=2)
    assert post(f"/assessments/{assessment.id}/move/finalise", {"confirm": "yes"}).status_code == 302
    db.session.expire_all()
    final = db.session.get(Assessment, assessment.id)
    assert final.stage == "finalised" and final.reviewed is False
    report = text_of(client.get(f"/assessments/{assessment.id}/report"))
    assert "internal check" in report and "reviewed by an external expert" not in report


def test_finalise_confirmation_page_says_how_many_requirements_are_unanswered(
    make_unit, make_user, make_assessment, login, post, client, save_response
):
    unit = make_unit("U1")
    assessment = make_assessment(unit)  # 7 requirements with the firearms module
    login(make_user("unit_head", units=[unit]))
    save_response(assessment.id, "AAA-01", score=2)
    save_response(assessment.id, "AAA-02", score="ne")
    unconfirmed = post(f"/assessments/{assessment.id}/move/finalise")
    assert unconfirmed.status_code == 302 and unconfirmed.headers["Location"].endswith(f"/{assessment.id}/finalise")
    assert stage_of(assessment.id) == "self_assessment"
    page = text_of(client.get(unconfirmed.headers["Location"]))
    assert "5 requirements in scope are unanswered: AAA-03, BBB-01, BBB-02, FFF-01, FFF-02" in page
    assert "Finalise with 5 requirements unanswered" in page and "internal check" in page


@pytest.mark.parametrize("role", ["viewer", "assessor", "expert"])
def test_finalise_confirmation_page_refuses_a_role_that_may_not_finalise_with_403(
    make_unit, make_user, make_assessment, login, post, client, role
):
    unit = make_unit("U1")
    assessment = make_assessment(unit)  # self-assessment: only a unit head (or an admin) may finalise it
    login(make_user(role, units=[unit]))
    assert post(f"/assessments/{assessment.id}/move/finalise").status_code == 403
    assert client.get(f"/assessments/{assessment.id}/finalise").status_code == 403


def test_reopening_a_reviewed_assessment_returns_to_agreed_as_revision_2(
    unit_and_admin, make_user, make_assessment, login, post
):
    unit, admin = unit_and_admin
    assessment = bring_to(make_assessment(unit), Stage.FINALISED, admin)
    login(make_user("unit_head", units=[unit]))
    assert post(f"/assessments/{assessment.id}/move/reopen", {"confirm": "yes"}).status_code == 302
    db.session.expire_all()
    reopened = db.session.get(Assessment, assessment.id)
    assert (reopened.stage, reopened.revision, reopened.finalised_at) == ("agreed", 2, None)


@pytest.mark.parametrize("role", ["unit_head", "expert", "viewer"])
def test_a_user_of_another_unit_gets_404_on_every_move(
    unit_and_admin, make_unit, make_user, make_assessment, login, post, role
):
    unit, admin = unit_and_admin
    assessments = {stage: bring_to(make_assessment(unit), stage, admin) for stage in Stage}
    login(make_user(role, units=[make_unit("OTHER")]))
    for stage, assessment in assessments.items():
        for move in Move:
            response = post(f"/assessments/{assessment.id}/move/{move.value}", {"confirm": "yes"})
            assert response.status_code == 404, (stage, move)
            assert stage_of(assessment.id) == stage
