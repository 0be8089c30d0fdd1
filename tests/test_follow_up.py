"""A unit's next-round assessment starts from its previous one: everything the unit wrote carries
over marked to re-confirm, and each card says what changed since the last round."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.domain.loader import load_checklist_file
from app.domain.workflow import Move
from app.extensions import db
from app.models import Assessment, ChecklistVersion, Citation, Consultation, Event, PlannedAction, Programme, Round
from app.services.assessment.assessments import score_sheet
from app.services.assessment.plans import suggest_actions
from app.services.assessment.responses import ensure_review
from app.services.assessment.upgrades import successors, upgrade_assessment
from app.services.content.checklists import store_checklist
from app.services.programme.follow_up import FollowUpRefused, start_follow_up
from tests.conftest import DATA, finalise, move_to, response_of, text_of
from tests.test_query_counts import counted

ANSWERS = {
    "AAA-01": dict(
        value=1,
        basis="sop_text",
        evidence_note="Seals are named in 4.2, not dated.",
        recommendation="Date the seals.",
        ticks=[0, 2],
        level_reason="Two of the elements only.",
    ),
    "AAA-02": dict(value=2, basis="records", evidence_note="Role list seen."),
    "AAA-03": dict(not_applicable=True, na_justification="No such review in this unit."),
    "BBB-01": dict(value=3, basis="sop_text"),
    "BBB-02": dict(not_evidenced=True, evidence_note="The store log was not brought."),
    "FFF-01": dict(value=0, basis="sop_text", no_action_reason=""),
    "FFF-02": dict(value=3, basis="sop_text"),
}


@pytest.fixture
def region(make_unit, make_user, make_sop, make_programme):
    """Unit NV of a programme with rounds 2025 and 2026, its people, and unit OT beside it."""
    unit, other = make_unit("NV", "Northvale CSI"), make_unit("OT", "Other CSI")
    people = {
        "head": make_user("unit_head", units=[unit], email="head@nv.example"),
        "viewer": make_user("viewer", units=[unit], email="viewer@nv.example"),
        "other": make_user("unit_head", units=[other], email="head@ot.example"),
        "expert": make_user("expert", email="expert@wb.example"),
    }
    programme = make_programme(
        "Western Balkans", units=[unit, other], members=[people["expert"]], rounds=("2025", "2026")
    )
    sop = make_sop(unit, code="SOP-01", title="Seals and packaging", version="1.0")
    return {
        "unit": unit,
        "programme": programme,
        "sop": sop,
        **people,
        "r2025": programme.rounds[0],
        "r2026": programme.rounds[1],
    }


@pytest.fixture
def previous(region, make_assessment):
    """Round 2025: NV's assessment answered, cited with a quote, planned, reviewed, agreed and finalised."""
    head, expert = region["head"], region["expert"]
    assessment = make_assessment(region["unit"], title="SOP assessment (round 2025)")
    assessment.round = region["r2025"]
    responses = {r.requirement.code: r for r in assessment.responses}
    for code, fields in ANSWERS.items():
        for name, value in fields.items():
            setattr(responses[code], name, value)
    responses["AAA-01"].citations.append(Citation(sop=region["sop"], section="4.2", quote="Each seal is signed."))
    db.session.commit()
    suggest_actions(score_sheet(assessment), head)
    db.session.commit()
    actions = db.session.scalars(select(PlannedAction).where(PlannedAction.assessment_id == assessment.id)).all()
    seal = next(a for a in actions if responses["AAA-01"] in a.gaps)
    seal.title, seal.owner, seal.status, seal.due_on = (
        "Write the seal rule",
        "Quality officer",
        "in_progress",
        dt.date(2025, 6, 30),
    )
    db.session.commit()
    move_to(assessment, Move.SUBMIT, head)
    move_to(assessment, Move.START_REVIEW, expert)
    review = ensure_review(responses["AAA-01"])
    review.value, review.stance, review.agreed_value = 0, "disagree", 0  # agreed lower than the unit's own 1
    same = ensure_review(responses["AAA-02"])
    same.value, same.stance = 2, "agree"  # the expert found what the unit found: no agreed score needed
    responses["AAA-01"].reply, responses["AAA-01"].dissent = "We disagree.", "The unit holds it is a 1."
    db.session.add(Consultation(assessment=assessment, held_on=dt.date(2025, 3, 2), participants=[{"name": "A"}]))
    db.session.commit()
    move_to(assessment, Move.HOLD_CONSULTATION, expert)
    move_to(assessment, Move.CONFIRM_AGREEMENT, head)
    finalise(assessment, expert)
    assert assessment.stage == "finalised" and assessment.reviewed
    return assessment


def started(previous, region, **kwargs) -> Assessment:
    new, _plan = start_follow_up(previous, region["r2026"], region["head"], **kwargs)
    db.session.commit()
    return new


# --- carrying over -----------------------------------------------------------------------


def test_a_follow_up_carries_every_answer_citation_tick_note_and_action_marked_to_reconfirm(previous, region):
    new, plan = start_follow_up(previous, region["r2026"], region["head"])
    db.session.commit()
    assert plan.summary == "carried over 7 of 7 answers, 7 to re-confirm" and not plan.upgraded
    assert (new.round_id, new.predecessor_id, new.stage) == (region["r2026"].id, previous.id, "self_assessment")
    assert (new.modules, new.scope, new.focus, new.checklist_version_id) == (
        previous.modules,
        previous.scope,
        previous.focus,
        previous.checklist_version_id,
    )
    assert new.title == "SOP assessment (round 2026)"
    for code, fields in ANSWERS.items():
        response = response_of(new, code)
        for name, value in fields.items():
            assert getattr(response, name) == value, (code, name)
        assert response.recheck and "Carried over from round 2025 to re-confirm" in response.recheck_reason
        assert response.review is None and response.reply == "" and response.dissent == ""
    (citation,) = response_of(new, "AAA-01").citations
    assert (citation.sop.code, citation.section, citation.quote, citation.frozen) == (
        "SOP-01",
        "4.2",
        "Each seal is signed.",
        False,
    )
    earlier = {
        a.id: a for a in db.session.scalars(select(PlannedAction).where(PlannedAction.assessment_id == previous.id))
    }
    carried = db.session.scalars(select(PlannedAction).where(PlannedAction.assessment_id == new.id)).all()
    assert len(carried) == len(earlier) > 0
    for action in carried:
        source = earlier[action.carried_from_id]
        assert (action.title, action.owner, action.status, action.due_on) == (
            source.title,
            source.owner,
            source.status,
            source.due_on,
        )
        assert [g.requirement.code for g in action.gaps] == [g.requirement.code for g in source.gaps]
    seal = next(a for a in carried if a.title == "Write the seal rule")
    assert seal.status == "in_progress" and [g.assessment_id for g in seal.gaps] == [new.id]
    # The unit's own scores count in the new draft (AAA-01: its own 1, not the agreed 0).
    assert response_of(new, "AAA-01").value == 1 and new.answered == 7 and new.score is not None
    event = db.session.scalar(select(Event).where(Event.name == "assessment.followed_up"))
    assert event.assessment_id == new.id and "carried over 7 of 7 answers, 7 to re-confirm" in event.summary


def test_the_previous_assessment_is_left_as_it_was(previous, region):
    before = {r.requirement.code: (r.value, r.version, len(r.citations)) for r in previous.responses}
    started(previous, region)
    db.session.expire_all()
    earlier = db.session.get(Assessment, previous.id)
    assert earlier.stage == "finalised"
    assert {r.requirement.code: (r.value, r.version, len(r.citations)) for r in earlier.responses} == before


def test_a_later_checklist_version_goes_through_the_upgrade_path_and_marks_every_carried_answer(previous, region):
    checklist, text = load_checklist_file(DATA / "mini-2.yaml")
    store_checklist(checklist, text, "mini-2.yaml")
    new, plan = start_follow_up(previous, region["r2026"], region["head"])
    db.session.commit()
    assert plan.upgraded and new.checklist_version.version == "2.0.0" and new.round_id == region["r2026"].id
    assert plan.summary.startswith("carried over 6 of 7 answers, ")
    carried = [r for r in new.responses if r.carried_from]
    assert len(carried) == plan.to_reconfirm > 0
    assert all(r.recheck and "round 2025" in r.recheck_reason for r in carried)
    split = response_of(new, "BBB-11")
    assert split.carried_from == "1.0.0 BBB-01 (split)" and split.recheck
    (quoted,) = response_of(new, "AAA-01").citations
    assert quoted.quote == "Each seal is signed."
    actions = db.session.scalars(select(PlannedAction).where(PlannedAction.assessment_id == new.id)).all()
    assert actions and all(a.carried_from_id is not None for a in actions)
    names = set(db.session.scalars(select(Event.name).where(Event.assessment_id == new.id)))
    assert {"assessment.upgraded", "assessment.followed_up"} <= names
    assert successors(previous) == []  # a follow-up is not an upgrade of the earlier round's assessment


def test_the_same_version_can_be_asked_for_when_a_later_one_is_loaded(previous, region, mini_version):
    checklist, text = load_checklist_file(DATA / "mini-2.yaml")
    store_checklist(checklist, text, "mini-2.yaml")
    new = started(previous, region, version=mini_version)
    assert new.checklist_version_id == mini_version.id and response_of(new, "AAA-01").carried_from is None


# --- the card ----------------------------------------------------------------------------


def test_each_card_shows_the_previous_agreed_score_the_changed_sop_and_the_action_meant_to_close_the_gap(
    previous, region, client, login
):
    region["sop"].version = "2.0"  # the register moved on since the round 2025 assessment froze its citations
    db.session.commit()
    new = started(previous, region)
    login(region["head"])
    page = text_of(client.get(f"/assessments/{new.id}/score?section=AAA"))
    assert "Since the last round (round 2025)" in page
    assert "Previous agreed score 0 · Not addressed (the unit's own score then: 1 · Partially addressed)" in page
    assert "SOPs changed since SOP-01 assessed at version 1.0, version 2.0 in the register now" in page
    assert "Action meant to close the gap Write the seal rule · In progress · due 30 Jun 2025 Overdue" in page
    assert "Carried over from round 2025 to re-confirm" in page and "Still holds" in page
    assert "Previous agreed score 2 · Largely addressed" in page  # AAA-02: the expert found what the unit found
    unreviewed = text_of(client.get(f"/assessments/{new.id}/score?section=BBB"))
    assert "Previous score (the unit's own, not reviewed by an expert) 3 · Fully addressed" in unreviewed


def test_a_dropped_or_done_action_says_so_and_is_not_overdue(previous, region, client, login):
    new = started(previous, region)
    carried = db.session.scalars(select(PlannedAction).where(PlannedAction.assessment_id == new.id)).all()
    seal = next(a for a in carried if a.title == "Write the seal rule")
    seal.status = "done"
    others = [a for a in carried if a is not seal]
    for action in others:
        db.session.delete(action)
    db.session.commit()
    login(region["head"])
    page = text_of(client.get(f"/assessments/{new.id}/score?filter=all"))
    assert "Write the seal rule · Done · due 30 Jun 2025" in page and "Overdue" not in page
    assert "dropped from this round's plan" in page


def test_still_holds_confirms_a_carried_answer(previous, region, client, login, post):
    new = started(previous, region)
    login(region["head"])
    response = response_of(new, "BBB-01")
    post(f"/assessments/{new.id}/responses/BBB-01/confirm", {"version": response.version})
    confirmed = response_of(new, "BBB-01")
    assert not confirmed.recheck and confirmed.recheck_reason == "" and confirmed.value == 3


def test_the_scoring_page_of_a_follow_up_runs_the_same_number_of_queries_for_few_and_many_cards(
    previous, region, client, login
):
    new = started(previous, region)
    login(region["head"])
    counts = []
    for query in ("section=FFF", "section=AAA", "filter=all"):
        client.get(f"/assessments/{new.id}/score?{query}")
        with counted() as statements:
            assert client.get(f"/assessments/{new.id}/score?{query}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] == counts[2], counts


# --- refusals ----------------------------------------------------------------------------


def test_a_follow_up_into_the_assessments_own_round_is_refused(previous, region):
    with pytest.raises(FollowUpRefused, match="is itself in round 2025: a follow-up goes into a later round"):
        start_follow_up(previous, region["r2025"], region["head"])


def test_a_second_follow_up_in_the_same_round_is_refused(previous, region):
    first = started(previous, region)
    with pytest.raises(FollowUpRefused, match=f"is in round 2026 already: assessment {first.id}"):
        start_follow_up(previous, region["r2026"], region["head"])


def test_a_follow_up_of_an_assessment_not_finalised_is_refused(region, make_assessment):
    draft = make_assessment(region["unit"])
    draft.round = region["r2025"]
    db.session.commit()
    with pytest.raises(FollowUpRefused, match="finalise it first"):
        start_follow_up(draft, region["r2026"], region["head"])


def test_a_round_of_a_programme_without_the_unit_is_refused(previous, region, make_programme):
    elsewhere = make_programme("Elsewhere", rounds=("2027",))
    with pytest.raises(FollowUpRefused, match="Unit NV is not in Elsewhere: add it to the programme first"):
        start_follow_up(previous, elsewhere.rounds[0], region["head"])


@pytest.mark.parametrize("who", ["viewer", "other"])
def test_someone_who_may_not_start_the_units_assessments_is_refused(previous, region, who):
    with pytest.raises(FollowUpRefused, match="may not start assessments for unit NV"):
        start_follow_up(previous, region["r2026"], region[who])
    assert db.session.scalar(select(Assessment).where(Assessment.predecessor_id == previous.id)) is None


def test_the_round_after_a_follow_up_starts_from_the_follow_up_not_again_from_the_earlier_one(previous, region):
    first = started(previous, region)
    third = Round(programme=region["programme"], label="2027")
    db.session.add(third)
    db.session.commit()
    with pytest.raises(FollowUpRefused, match=f"followed up in round 2026 already \\(assessment {first.id}\\)"):
        start_follow_up(previous, third, region["head"])


def test_an_earlier_upgrade_to_the_same_version_is_named_as_the_one_to_start_from(previous, region):
    checklist, text = load_checklist_file(DATA / "mini-2.yaml")
    store_checklist(checklist, text, "mini-2.yaml")
    upgraded, _plan = upgrade_assessment(
        previous, db.session.scalar(select(ChecklistVersion).filter_by(version="2.0.0")), region["head"]
    )
    db.session.commit()
    with pytest.raises(FollowUpRefused, match=f"carried onto version 2.0.0 already, as assessment {upgraded.id}"):
        start_follow_up(previous, region["r2026"], region["head"])


# --- the web -----------------------------------------------------------------------------


def test_the_results_page_offers_the_next_rounds_assessment_to_those_who_may_start_one(
    previous, region, client, login, post
):
    login(region["head"])
    page = text_of(client.get(f"/assessments/{previous.id}"))
    assert "Start the next round's assessment" in page and "Western Balkans, round 2026 is open" in page
    post("/logout")
    login(region["viewer"])
    db.session.add(Round(programme=region["programme"], label="2027"))
    db.session.commit()
    assert "Start the next round's assessment" not in text_of(client.get(f"/assessments/{previous.id}"))


def test_the_confirm_page_says_what_carries_and_starting_opens_the_cards_to_reconfirm(
    previous, region, client, login, post
):
    login(region["head"])
    url = f"/assessments/{previous.id}/follow-up?round={region['r2026'].id}"
    page = text_of(client.get(url))
    assert "Carried over 7 of 7 answers, 7 to re-confirm" in page
    assert "3 actions of the plan carry over" in page and "Checklist version 1.0.0, the same" in page
    done = post(url, {"round": region["r2026"].id})
    new = db.session.scalar(select(Assessment).where(Assessment.predecessor_id == previous.id))
    assert done.status_code == 302 and done.headers["Location"] == f"/assessments/{new.id}/score?filter=recheck"
    assert "Followed up in round 2026 as" in text_of(client.get(f"/assessments/{previous.id}"))
    results = text_of(client.get(f"/assessments/{new.id}"))
    assert "Follow-up of SOP assessment (round 2025) (round 2025)" in results
    assert "7 answers carried over from the last round are still to re-confirm" in results
    db.session.add(Round(programme=region["programme"], label="2027"))
    db.session.commit()
    assert "Start the next round's assessment" not in text_of(client.get(f"/assessments/{previous.id}"))


def test_a_refused_start_shows_why_and_keeps_the_page_usable(previous, region, client, login, post):
    started(previous, region)
    login(region["head"])
    refused = post(f"/assessments/{previous.id}/follow-up", {"round": region["r2026"].id})
    body = text_of(refused)
    assert refused.status_code == 409 and "is in round 2026 already" in body and "Back to the results" in body
    own = client.get(f"/assessments/{previous.id}/follow-up?round={region['r2025'].id}")
    assert own.status_code == 409 and "is itself in round 2025" in text_of(own)


def test_another_units_user_gets_404_and_nothing_is_started(previous, region, client, login, post):
    login(region["other"])
    url = f"/assessments/{previous.id}/follow-up?round={region['r2026'].id}"
    assert client.get(url).status_code == 404
    assert post(url, {"round": region["r2026"].id}).status_code == 404
    assert db.session.scalar(select(Assessment).where(Assessment.predecessor_id == previous.id)) is None


def test_a_start_without_the_csrf_token_is_refused(previous, region, client, login):
    login(region["head"])
    response = client.post(f"/assessments/{previous.id}/follow-up", data={"round": region["r2026"].id})
    assert response.status_code == 400
    assert db.session.scalar(select(Assessment).where(Assessment.predecessor_id == previous.id)) is None


def test_a_round_of_another_programme_is_not_named_on_the_page(previous, region, client, login, make_programme):
    elsewhere = make_programme("Secret programme", rounds=("2027",))
    login(region["head"])
    page = client.get(f"/assessments/{previous.id}/follow-up?round={elsewhere.rounds[0].id}")
    assert page.status_code == 409 and "Secret programme" not in text_of(page)


# --- the command line --------------------------------------------------------------------


def test_the_command_prints_the_follow_up_and_what_it_carried(previous, region, runner):
    result = runner.invoke(
        args=["assessments", "follow-up", str(previous.id), "--round", "2026", "--by", "head@nv.example"]
    )
    assert result.exit_code == 0, result.output
    new = db.session.scalar(select(Assessment).where(Assessment.predecessor_id == previous.id))
    assert result.output == f"Started follow-up {new.id} of NV in 2026: carried over 7 of 7 answers, 7 to re-confirm\n"


def test_the_command_refuses_with_a_plain_sentence(previous, region, runner):
    result = runner.invoke(
        args=["assessments", "follow-up", str(previous.id), "--round", "2025", "--by", "head@nv.example"]
    )
    assert result.exit_code == 1 and "is itself in round 2025" in result.output
    unknown = runner.invoke(
        args=["assessments", "follow-up", str(previous.id), "--round", "2026", "--by", "head@nv.example", "--to", "9.9"]
    )
    assert unknown.exit_code == 1 and "mini@9.9 is not loaded" in unknown.output
    assert db.session.query(Programme).count() == 1
