"""Re-checking an upgraded draft: each carried card shows its earlier wording, "Still holds"
confirms it, and only a person's change or confirmation clears the flag."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.domain.loader import load_checklist_file, parse_checklist
from app.domain.workflow import Stage
from app.extensions import db
from app.models import Assessment, ChecklistVersion, Event
from app.services.assessment.upgrades import upgrade_assessment
from app.services.content.checklists import store_checklist
from tests.conftest import DATA, current_version, response_of, text_of

MINI_2 = DATA / "mini-2.yaml"


@pytest.fixture
def draft(make_unit, make_user, make_assessment, mini_version):
    """A 1.0.0 assessment with every requirement answered, upgraded to 2.0.0 by its unit head."""
    checklist, text = load_checklist_file(MINI_2)
    store_checklist(checklist, text, MINI_2.name)
    later = db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.version == "2.0.0"))
    unit = make_unit("U1")
    head = make_user("unit_head", units=[unit], email="head@u1.example")
    earlier = make_assessment(unit, modules=("firearms",))
    answers = {
        "AAA-01": dict(value=3, basis="sop_text"),
        "AAA-02": dict(value=2, basis="sop_text", evidence_note="Role named in 3.1"),
        "AAA-03": dict(not_applicable=True, na_justification="No such review here"),
        "BBB-01": dict(value=1, basis=None, evidence_note="Seals signed, not dated"),  # a basis never recorded
        "BBB-02": dict(value=0, basis="sop_text"),
        "FFF-01": dict(value=3, basis="sop_text"),
        "FFF-02": dict(not_evidenced=True),
    }
    responses = {r.requirement.code: r for r in earlier.responses}
    for code, fields in answers.items():
        for name, value in fields.items():
            setattr(responses[code], name, value)
    db.session.commit()
    new, _plan = upgrade_assessment(earlier, later, head)
    db.session.commit()
    return new, head


def confirm(post, assessment_id, requirement_id, version=None, json=True):
    version = current_version(assessment_id, requirement_id) if version is None else version
    headers = {"Accept": "application/json"} if json else {}
    return post(
        f"/assessments/{assessment_id}/responses/{requirement_id}/confirm",
        {"version": "" if version is False else str(version), "next": f"/assessments/{assessment_id}/score"},
        headers=headers,
    )


def test_a_recheck_card_shows_the_earlier_wording_beside_the_new_with_words_removed_and_added(client, draft, login):
    new, head = draft
    login(head)
    html = client.get(f"/assessments/{new.id}/score?filter=recheck").get_data(as_text=True)
    card = html[html.index('id="req-FFF-02"') :]
    card = card[: card.index("</article>")]
    assert "Version 1.0.0" in card and "Version 2.0.0" in card
    assert 'serial <del><span class="visually-hidden">removed: </span>numbers</del> of' in card
    assert 'every</ins> marked <ins><span class="visually-hidden">added: </span>part</ins>' in card
    assert '<ins><span class="visually-hidden">added: </span>with a photograph.</ins>' in card
    assert "Still holds" in card and 'aria-keyshortcuts="h"' in card


def test_a_merged_card_shows_each_earlier_requirement(client, draft, login):
    new, head = draft
    login(head)
    page = text_of(client.get(f"/assessments/{new.id}/score?filter=recheck"))
    merged = page[page.index("CCC-01 Named keeper") :]
    assert "Version 1.0.0 AAA-02" in merged and "BBB-02" in merged.split("Version 2.0.0")[0]


def test_the_recheck_list_puts_the_most_changed_requirements_first(client, draft, login):
    new, head = draft
    login(head)
    html = client.get(f"/assessments/{new.id}/score?filter=recheck").get_data(as_text=True)
    order = [rid for rid in ("BBB-11", "BBB-12", "CCC-01", "FFF-02") if f'id="req-{rid}"' in html]
    assert sorted(order, key=lambda rid: html.index(f'id="req-{rid}"')) == ["BBB-12", "CCC-01", "BBB-11", "FFF-02"]


def test_still_holds_clears_the_flag_keeps_the_answer_and_is_audited(client, draft, login, post):
    new, head = draft
    login(head)
    before = response_of(new, "BBB-11")
    value, version = before.value, before.version
    response = confirm(post, new.id, "BBB-11")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["ok"] and body["version"] == version + 1 and body["left"] == 3
    assert body["message"] == "BBB-11: the carried answer still holds."
    after = response_of(new, "BBB-11")
    assert after.recheck is False and after.value == value and after.evidence_note == before.evidence_note
    event = db.session.scalar(select(Event).where(Event.name == "response.confirmed"))
    assert event.user_email == head.email and event.object_id == "BBB-11"
    assert response_of(new, "BBB-12").recheck is True


def test_still_holds_works_without_javascript_as_a_form_post(client, draft, login, post):
    new, head = draft
    login(head)
    response = confirm(post, new.id, "FFF-02", json=False)
    assert response.status_code == 302 and response.location.endswith(f"/assessments/{new.id}/score")
    page = text_of(client.get(response.location))
    assert "FFF-02: the carried answer still holds. 3 carried answers left to re-check." in page
    assert response_of(new, "FFF-02").recheck is False


def test_still_holds_on_a_stale_card_is_a_conflict_with_the_other_persons_values(
    client, draft, login, post, save_response, make_user
):
    new, head = draft
    assessor = make_user("assessor", units=[new.unit], name="Ana Assessor")
    stale = current_version(new.id, "BBB-11")
    login(assessor)
    assert save_response(new.id, "BBB-11", score=2, evidence_note="Now dated too").status_code == 302
    post("/logout")
    login(head)
    response = confirm(post, new.id, "BBB-11", version=stale)
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "conflict" and "Ana Assessor saved this requirement" in body["message"]
    assert {"field": "evidence_note", "raw": "Now dated too"}.items() <= next(
        item for item in body["theirs"] if item["field"] == "evidence_note"
    ).items()


def test_a_save_that_changes_nothing_leaves_the_flag_and_a_save_that_changes_something_clears_it(
    client, draft, login, save_response
):
    new, head = draft
    login(head)
    carried = response_of(new, "BBB-12")
    unchanged = save_response(new.id, "BBB-12", score=carried.value, basis="", evidence_note=carried.evidence_note)
    assert unchanged.status_code == 302
    assert response_of(new, "BBB-12").recheck is True and response_of(new, "BBB-12").basis is None
    assert save_response(new.id, "BBB-12", score=2, basis="sop_text").status_code == 302
    assert response_of(new, "BBB-12").recheck is False


def test_an_assessor_may_confirm_but_a_viewer_may_not_and_another_unit_sees_nothing(
    client, draft, login, post, make_user, make_unit
):
    new, _head = draft
    login(make_user("viewer", units=[new.unit]))
    assert confirm(post, new.id, "BBB-11").status_code == 403
    post("/logout")
    login(make_user("unit_head", units=[make_unit("U2")]))
    assert confirm(post, new.id, "BBB-11").status_code == 404
    post("/logout")
    login(make_user("assessor", units=[new.unit]))
    assert confirm(post, new.id, "BBB-11").status_code == 200
    assert response_of(new, "BBB-11").recheck is False


def test_still_holds_needs_the_self_assessment_stage_and_a_version_and_a_csrf_token(client, app, draft, login, post):
    new, head = draft
    login(head)
    assert confirm(post, new.id, "BBB-11", version=False).status_code == 400
    missing = client.post(
        f"/assessments/{new.id}/responses/BBB-11/confirm",
        data={"version": str(current_version(new.id, "BBB-11"))},
        headers={"Accept": "application/json"},
    )
    assert missing.status_code == 400 and response_of(new, "BBB-11").recheck is True
    new.stage = Stage.SUBMITTED  # as after submitting (whatever the submission's own guards ask)
    db.session.commit()
    refused = confirm(post, new.id, "BBB-11")
    assert refused.status_code == 409 and response_of(new, "BBB-11").recheck is True


def test_confirming_a_card_already_checked_changes_nothing(client, draft, login, post):
    new, head = draft
    login(head)
    version = current_version(new.id, "AAA-01")
    assert confirm(post, new.id, "AAA-01").status_code == 200  # carried unchanged: nothing to confirm
    assert response_of(new, "AAA-01").version == version
    assert db.session.scalar(select(Event).where(Event.name == "response.confirmed")) is None


def test_an_answer_without_a_basis_is_carried_as_basis_not_recorded_never_sop_text(client, draft, login):
    new, head = draft
    login(head)
    carried = response_of(new, "BBB-11")
    assert carried.value == 1 and carried.basis is None
    html = client.get(f"/assessments/{new.id}/score?filter=recheck").get_data(as_text=True)
    card = html[html.index('id="req-BBB-11"') :]
    card = card[: card.index("</article>")]
    assert '<option selected value="">Basis not recorded</option>' in card


def test_the_results_page_and_the_report_say_how_many_answers_were_carried_and_not_rechecked(
    client, draft, login, post
):
    new, head = draft
    login(head)
    results = text_of(client.get(f"/assessments/{new.id}"))
    assert "4 answers were carried over from checklist version 1.0.0 and not re-checked." in results
    report = text_of(client.get(f"/assessments/{new.id}/report"))
    assert "4 answers were carried over from checklist version 1.0.0 and not re-checked." in report
    assert "Answers carried over from checklist version 1.0.0" in report
    assert "4 were not re-checked against the new wording" in report and "BBB-11 Seals signed" in report
    for rid in ("BBB-11", "BBB-12", "CCC-01", "FFF-02"):
        assert confirm(post, new.id, rid).status_code == 200
    results = text_of(client.get(f"/assessments/{new.id}"))
    assert "6 answers were carried over from checklist version 1.0.0; none is left to re-check." in results
    assert "not re-checked" not in text_of(client.get(f"/assessments/{new.id}/report"))


def test_the_report_and_the_export_count_a_score_without_a_basis_as_not_recorded_never_sop_text(client, draft, login):
    new, head = draft
    login(head)
    report = text_of(client.get(f"/assessments/{new.id}/report"))
    bases = report[report.index("What the scores rest on") :].split(".")[0]
    assert "Basis not recorded 2" in bases and "SOP text 3" in bases  # BBB-11 and BBB-12 never said
    csv = client.get(f"/assessments/{new.id}/export.csv").get_data(as_text=True)
    assert (
        next(line for line in csv.splitlines() if line.startswith("Beta section,BBB-11")).count("Basis not recorded")
        == 1
    )


@pytest.fixture
def onto_records(make_unit, make_user, make_assessment, mini_version):
    """A 1.0.0 assessment upgraded to a 2.0.0 where AAA-01, word for word the same, is decided from records."""
    text = MINI_2.read_text().replace(
        "        remedy: records-procedure\n", "        remedy: records-procedure\n        decided_from: records\n"
    )
    checklist = parse_checklist(text, MINI_2.name)
    store_checklist(checklist, text, MINI_2.name)
    later = db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.version == "2.0.0"))
    unit = make_unit("U1")
    head = make_user("unit_head", units=[unit], email="head@u1.example")
    earlier = make_assessment(unit, modules=("firearms",))
    for response in earlier.responses:
        response.value, response.basis = 2, "sop_text"
    db.session.commit()
    new, _plan = upgrade_assessment(earlier, later, head)
    db.session.commit()
    return new, head


def test_an_answer_carried_onto_a_requirement_decided_from_records_is_flagged_on_the_card_and_in_the_report(
    client, onto_records, login
):
    new, head = onto_records
    login(head)
    assert response_of(new, "AAA-01").recheck is True  # the same words, another basis
    card = text_of(client.get(f"/assessments/{new.id}/score?section=AAA"))
    assert "Carried onto a requirement decided from records: the answer does not rest on records seen" in card
    report = text_of(client.get(f"/assessments/{new.id}/report"))
    flagged = report[report.index("Carried onto requirements decided from records or practice") :]
    assert flagged.split(":", 1)[1].strip().startswith("AAA-01 Essential thing")
    results = text_of(client.get(f"/assessments/{new.id}"))
    assert "1 of them sits on a requirement decided from records or practice" in results


@pytest.fixture
def earlier(make_unit, make_user, make_assessment, mini_version):
    """An on-site 1.0.0 assessment with two answers, and 2.0.0 loaded beside it."""
    checklist, text = load_checklist_file(MINI_2)
    store_checklist(checklist, text, MINI_2.name)
    unit = make_unit("U1")
    head = make_user("unit_head", units=[unit], email="head@u1.example")
    assessment = make_assessment(unit, modules=("firearms",), scope="onsite")
    for response in assessment.responses[:2]:
        response.value, response.basis = 2, "sop_text"
    db.session.commit()
    return assessment, head


def test_the_upgrade_page_asks_for_the_scope_with_the_earlier_one_chosen_and_the_draft_takes_the_choice(
    client, earlier, login, post
):
    assessment, head = earlier
    login(head)
    html = client.get(f"/assessments/{assessment.id}/upgrade").get_data(as_text=True)
    assert re.search(r"<input checked[^>]*value=\"onsite\"", html), html[html.find("Scope of the new") :][:600]
    assert "Scope of the new draft" in text_of(client.get(f"/assessments/{assessment.id}/upgrade"))
    done = post(f"/assessments/{assessment.id}/upgrade", {"to": "2.0.0", "scope": "desk"})
    assert done.status_code == 302
    new = db.session.scalar(select(Assessment).where(Assessment.predecessor_id == assessment.id))
    assert new.scope == "desk"
    event = db.session.scalar(select(Event).where(Event.name == "assessment.upgraded"))
    assert event.summary.endswith(", desk")


def test_the_upgrade_page_refuses_a_scope_that_is_neither_desk_nor_onsite(client, earlier, login, post):
    assessment, head = earlier
    login(head)
    refused = post(f"/assessments/{assessment.id}/upgrade", {"to": "2.0.0", "scope": "remote"})
    assert refused.status_code == 400 and "Not a valid choice" in text_of(refused)
    assert db.session.scalar(select(Assessment).where(Assessment.predecessor_id == assessment.id)) is None


def test_the_upgrade_command_takes_the_scope_or_keeps_the_earlier_one(runner, earlier):
    assessment, _head = earlier
    result = runner.invoke(args=["assessments", "upgrade", str(assessment.id), "--to", "2.0.0", "--scope", "desk"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].endswith("(desk)")
    wrong = runner.invoke(args=["assessments", "upgrade", str(assessment.id), "--to", "2.0.0", "--scope", "site"])
    assert wrong.exit_code == 2 and "'site' is not one of 'desk', 'onsite'" in wrong.output


def test_a_nearly_identical_rewording_carries_without_a_recheck_and_says_so_on_the_page_and_the_card(
    client, make_unit, make_user, make_assessment, mini_version, login, post
):
    text = MINI_2.read_text().replace(
        "The SOP requires the serial number of every marked part to be recorded, with a photograph.",
        "The SOP requires serial numbers of all the marked parts to be recorded.",
    )
    store_checklist(parse_checklist(text, MINI_2.name), text, MINI_2.name)
    unit = make_unit("U1")
    head = login(make_user("unit_head", units=[unit]))
    earlier = make_assessment(unit, modules=("firearms",))
    for response in earlier.responses:
        response.value, response.basis = 1, "sop_text"
    db.session.commit()
    preview = text_of(client.get(f"/assessments/{earlier.id}/upgrade"))
    assert "1 requirement reworded so little (at least 95 % of the words kept, same basis)" in preview
    assert post(f"/assessments/{earlier.id}/upgrade", {"to": "2.0.0"}).status_code == 302
    new = db.session.scalar(select(Assessment).where(Assessment.predecessor_id == earlier.id))
    assert response_of(new, "FFF-02").recheck is False and head
    card = text_of(client.get(f"/assessments/{new.id}/score?section=FFF"))
    assert (
        "Carried over from 1.0.0 FFF-02 (reworded) without a re-check: the statement keeps 96 % of the earlier" in card
    )


def test_a_conflict_on_a_carried_card_without_a_basis_does_not_offer_sop_text_as_theirs(
    client, draft, login, save_response, make_user
):
    new, head = draft
    stale = current_version(new.id, "BBB-12")
    login(make_user("assessor", units=[new.unit]))
    assert save_response(new.id, "BBB-12", score=1, basis="", evidence_note="Looked again").status_code == 302
    login(head)
    conflict = save_response(new.id, "BBB-12", json=True, version=stale, score=2, basis="")
    assert conflict.status_code == 409
    theirs = {item["field"]: item for item in conflict.get_json()["theirs"]}
    assert theirs["basis"]["raw"] == "" and theirs["evidence_note"]["raw"] == "Looked again"
