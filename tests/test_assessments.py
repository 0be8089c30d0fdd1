"""Starting, scoring, filtering, conflicts, finalising and results: through the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.models import Assessment
from tests.conftest import response_of, text_of


@pytest.fixture
def head(make_unit, make_user, login):
    unit = make_unit("SRB", name="Belgrade CSI")
    user = login(make_user("unit_head", units=[unit], name="Ana Head"))
    return unit, user


def test_new_assessment_with_the_firearms_module_has_a_response_per_requirement(client, head, mini_version, post):
    unit, _ = head
    form = client.get(f"/assessments/new?unit={unit.code}")
    assert form.status_code == 200 and "Firearms" in text_of(form)
    response = post(
        "/assessments/new",
        {
            "unit": unit.id,
            "checklist": mini_version.id,
            "modules": "firearms",
            "title": "Spring self-assessment",
            "scope": "desk",
            "assessors": "Ana",
            "assessed_on": "2026-03-01",
        },
    )
    assert response.status_code == 302
    assessment = db.session.scalar(select(Assessment))
    assert assessment.modules == ["firearms"] and len(assessment.responses) == 7
    assert assessment.assessed_on == dt.date(2026, 3, 1) and assessment.checklist_version_id == mini_version.id


def test_new_assessment_without_a_module_leaves_its_requirements_out(client, head, mini_version, post):
    unit, _ = head
    post(
        "/assessments/new",
        {"unit": unit.id, "checklist": mini_version.id, "title": "Core only", "scope": "desk"},
    )
    assessment = db.session.scalar(select(Assessment))
    assert assessment.modules == [] and len(assessment.responses) == 5


def test_new_assessment_needs_a_title(client, head, mini_version, post):
    unit, _ = head
    response = post("/assessments/new", {"unit": unit.id, "checklist": mini_version.id, "title": "", "scope": "desk"})
    assert response.status_code == 400 and "This field is required." in text_of(response)
    assert db.session.scalar(select(Assessment)) is None


def test_dashboard_shows_progress_and_score(client, head, make_assessment, save_response):
    unit, _ = head
    a = make_assessment(unit, title="Autumn review")
    save_response(a.id, "AAA-01", score=3)
    page = text_of(client.get("/"))
    # One requirement of seven scored at full: too little evidence for an overall, so no "100%".
    assert "Autumn review" in page and "1 of 7" in page and "withheld evidence 14%" in page and "100%" not in page


def test_scoring_page_shows_the_section_with_guidance_and_a_progress_bar(client, head, make_assessment):
    unit, _ = head
    a = make_assessment(unit)
    page = client.get(f"/assessments/{a.id}/score?section=BBB")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "BBB-01" in html and "AAA-01" not in text_of(page).split("Beta section", 1)[1]
    assert "<progress" in html and "Guidance, evidence and references" in html
    assert 'name="BBB-01-score"' in html and 'value="na"' in html
    assert client.get(f"/assessments/{a.id}/score?section=NOPE").status_code == 404


def test_saving_a_score_with_the_plain_form_redirects_and_stores_it(
    client, head, make_assessment, make_sop, save_response
):
    unit, user = head
    a = make_assessment(unit)
    sop = make_sop(unit, code="SOP-04")
    response = save_response(
        a.id,
        "AAA-01",
        score=1,
        sop_id=sop.id,
        sop_section="4.2",
        basis="records",
        evidence_note="Only one sentence on this.",
        version=1,
    )
    assert response.status_code == 302 and "section=AAA" in response.headers["Location"]
    stored = response_of(a, "AAA-01")
    assert (stored.value, stored.basis, stored.evidence_note) == (1, "records", "Only one sentence on this.")
    assert [(c.sop_id, c.section) for c in stored.citations] == [(sop.id, "4.2")]
    assert stored.updated_by_id == user.id and stored.version == 2
    page = text_of(client.get(f"/assessments/{a.id}/score?section=AAA"))
    assert "AAA-01 saved." in page
    assert "Add the missing record to the essential procedure." in page  # the checklist's recommendation for 1


def test_autosave_answers_json_with_progress_and_the_recommendation(client, head, make_assessment, save_response):
    unit, _ = head
    a = make_assessment(unit)
    body = save_response(a.id, "BBB-01", json=True, score=0, version=1).get_json()
    assert body["ok"] is True and body["version"] == 2
    assert body["recommendation"] == "Introduce signed and dated seals."
    assert body["section"]["answered"] == 1 and body["overall"]["major_gaps"] == 1
    again = save_response(a.id, "BBB-01", json=True, score=3, version=2).get_json()
    assert again["recommendation"] is None and again["section"]["score"] == "100%"


def test_not_applicable_needs_a_justification_and_nothing_is_saved_without_one(
    client, head, make_assessment, save_response
):
    unit, _ = head
    a = make_assessment(unit)
    refused = save_response(a.id, "AAA-03", score="na", na_justification="  ", evidence_note="my note", version=1)
    assert refused.status_code == 422
    page = text_of(refused)
    assert "N/A needs a justification" in page and "my note" in page  # the input is kept on the page
    assert response_of(a, "AAA-03").not_applicable is False
    json = save_response(a.id, "AAA-03", json=True, score="na", version=1)
    assert json.status_code == 422 and "na_justification" in json.get_json()["errors"]
    ok = save_response(a.id, "AAA-03", score="na", na_justification="The unit has no drones.", version=1)
    assert ok.status_code == 302
    stored = response_of(a, "AAA-03")
    assert stored.not_applicable and stored.value is None and stored.na_justification == "The unit has no drones."


def test_a_score_off_the_scale_is_refused(client, head, make_assessment, save_response):
    unit, _ = head
    a = make_assessment(unit)
    assert save_response(a.id, "AAA-01", score=7, version=1).status_code == 422
    assert save_response(a.id, "AAA-01", score="high", version=1).status_code == 422
    assert response_of(a, "AAA-01").value is None


def test_an_sop_of_another_unit_is_refused(client, head, make_unit, make_assessment, make_sop, save_response):
    unit, _ = head
    a = make_assessment(unit)
    foreign = make_sop(make_unit("OTH"), code="X-1")
    response = save_response(a.id, "AAA-01", score=2, sop_id=foreign.id, version=1)
    assert response.status_code == 422 and "this unit's register" in text_of(response)
    assert response_of(a, "AAA-01").value is None


def test_unknown_requirement_is_not_found(client, head, make_assessment, save_response):
    unit, _ = head
    a = make_assessment(unit, modules=())
    assert save_response(a.id, "FFF-01", score=1).status_code == 404  # module left out


def test_a_conflicting_edit_is_refused_and_the_input_kept(
    client, head, make_user, make_assessment, save_response, login
):
    unit, _ = head
    a = make_assessment(unit)
    assert save_response(a.id, "AAA-01", score=2, evidence_note="first", version=1).status_code == 302
    # A second person opened the form at version 1 and saves later.
    conflict = save_response(a.id, "AAA-01", score=0, evidence_note="mine, from an old form", version=1)
    assert conflict.status_code == 409
    page = text_of(conflict)
    assert "while you were editing it" in page and "mine, from an old form" in page
    stored = response_of(a, "AAA-01")
    assert (stored.value, stored.evidence_note, stored.version) == (2, "first", 2)
    json = save_response(a.id, "AAA-01", json=True, score=0, version=1)
    assert json.status_code == 409 and json.get_json()["version"] == 2
    # Saving again with the current version is a deliberate overwrite.
    assert save_response(a.id, "AAA-01", score=0, version=2).status_code == 302
    assert response_of(a, "AAA-01").value == 0


def test_scoring_form_without_csrf_token_is_refused(client, head, make_assessment):
    unit, _ = head
    a = make_assessment(unit)
    response = client.post(f"/assessments/{a.id}/responses/AAA-01", data={"AAA-01-score": "3"})
    assert response.status_code == 400
    assert response_of(a, "AAA-01").value is None


@pytest.mark.parametrize(
    ("flt", "shown", "hidden"),
    [
        ("unassessed", ["AAA-03", "BBB-02"], ["AAA-01", "AAA-02", "BBB-01"]),
        ("gaps", ["AAA-01", "BBB-01"], ["AAA-02", "AAA-03", "BBB-02"]),
        ("major", ["AAA-01"], ["BBB-01", "AAA-02", "AAA-03"]),
    ],
)
def test_filters_show_unassessed_gaps_and_major_gaps_across_sections(
    client, head, make_assessment, save_response, flt, shown, hidden
):
    unit, _ = head
    a = make_assessment(unit, modules=())
    save_response(a.id, "AAA-01", score=1)
    save_response(a.id, "AAA-02", score="na", na_justification="Does not apply")
    save_response(a.id, "BBB-01", score=2)
    html = client.get(f"/assessments/{a.id}/score?filter={flt}").get_data(as_text=True)
    for code in shown:
        assert f'id="req-{code}"' in html, code
    for code in hidden:
        assert f'id="req-{code}"' not in html, code


def test_results_show_section_scores_chart_and_ranked_gaps(client, head, make_assessment, save_response):
    unit, _ = head
    a = make_assessment(unit, modules=())
    save_response(a.id, "AAA-01", score=1, evidence_note="Seal rule missing.")
    save_response(a.id, "AAA-02", score=0)
    save_response(a.id, "BBB-01", score=3)
    page = client.get(f"/assessments/{a.id}")
    html, text = page.get_data(as_text=True), text_of(page)
    assert "<svg" in html and "Score by section" in html and "Alpha section" in html
    assert text.index("AAA-01 Essential thing") < text.index("AAA-02 Important thing")
    assert "Add the missing record to the essential procedure." in text and "Seal rule missing." in text
    assert "Major gap" in text


def test_finalising_locks_the_assessment(client, head, make_assessment, save_response, post):
    unit, _ = head
    a = make_assessment(unit)
    save_response(a.id, "AAA-01", score=2)
    assert post(f"/assessments/{a.id}/move/finalise", {"confirm": "yes"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Assessment, a.id).stage == "finalised"
    locked = save_response(a.id, "AAA-01", score=0, version=2)
    assert locked.status_code == 409 and "finalised" in text_of(locked)
    assert response_of(a, "AAA-01").value == 2
    page = client.get(f"/assessments/{a.id}/score").get_data(as_text=True)
    assert 'name="AAA-01-score"' not in page
    again = post(f"/assessments/{a.id}/move/finalise", {"confirm": "yes"})
    assert again.status_code == 409 and "Finalised" in text_of(again)


def test_scoring_page_runs_a_constant_number_of_queries(app, client, head, make_assessment):
    unit, _ = head
    small, large = make_assessment(unit, modules=()), make_assessment(unit, modules=("firearms",))
    counts = []
    for a in (small.id, large.id):
        db.session.expire_all()  # nothing cached from the previous request
        statements: list[str] = []

        def listener(*args, seen=statements):
            seen.append(args[2])

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/assessments/{a}/score?filter=all").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        counts.append(len(statements))
    assert counts[0] == counts[1] and counts[0] <= 12
