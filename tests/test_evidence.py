"""Evidence: not evidenced is not 0, desk reviews leave practice to verify on site, citations and their freezing."""

from __future__ import annotations

import pytest

from app.domain.scoring import State
from app.domain.workflow import Move
from app.extensions import db
from app.models import Assessment
from app.services.assessment.assessments import score_sheet
from tests.conftest import move_to, text_of


@pytest.fixture
def head(make_unit, make_user, login):
    unit = make_unit("U1", name="Test CSI")
    return unit, login(make_user("unit_head", units=[unit], name="Ana Head"))


def sheet_of(assessment_id: int):
    db.session.expire_all()
    return score_sheet(db.session.get(Assessment, assessment_id))


def section_text(text: str, heading: str, next_heading: str) -> str:
    return text.split(heading, 1)[1].split(next_heading, 1)[0]


def test_not_evidenced_is_no_gap_and_no_score_but_counts_towards_completeness(head, make_assessment, save_response):
    unit, _ = head
    a = make_assessment(unit, modules=())  # AAA-01..03, BBB-01..02
    save_response(a.id, "AAA-01", score="ne", evidence_note="The record book was not brought.")
    save_response(a.id, "AAA-02", score=3)
    save_response(a.id, "BBB-01", score=0)
    sheet = sheet_of(a.id)
    result = sheet.result
    assert result.states["AAA-01"] is State.NOT_EVIDENCED and result.states["BBB-01"] is State.SCORED
    assert [g.requirement.id for g in result.gaps] == ["BBB-01"]
    overall = result.overall
    assert (overall.applicable, overall.assessed, overall.not_evidenced, overall.unassessed) == (5, 2, 1, 2)
    # Score over the two scored only: AAA-02 weight 2 x 1 + BBB-01 weight 3 x 0 = 2 / 5 (a 0 for AAA-01 would give 2 / 8).
    assert overall.score == pytest.approx(2 / 5)
    assert overall.coverage == pytest.approx(2 / 5)  # not evidenced is not evidence
    assert overall.completeness == pytest.approx(3 / 5)  # but it was gone through


def test_a_zero_is_a_gap_where_not_evidenced_is_not(head, make_assessment, save_response):
    unit, _ = head
    ne, zero = make_assessment(unit, modules=(), title="NE"), make_assessment(unit, modules=(), title="Zero")
    save_response(ne.id, "AAA-01", score="ne")
    save_response(zero.id, "AAA-01", score=0)
    ne_result, zero_result = sheet_of(ne.id).result, sheet_of(zero.id).result
    assert ne_result.gaps == () and ne_result.overall.major_gaps == 0 and ne_result.overall.score is None
    assert [g.requirement.id for g in zero_result.major_gaps] == ["AAA-01"] and zero_result.overall.score == 0


def test_results_and_report_show_not_evidenced_apart_from_gaps(head, client, make_assessment, save_response):
    unit, _ = head
    a = make_assessment(unit, modules=())
    save_response(a.id, "AAA-01", score="ne")
    save_response(a.id, "BBB-01", score=0)
    results = text_of(client.get(f"/assessments/{a.id}"))
    assert "still unanswered 3; not evidenced 1; to verify on site 0" in results
    report = text_of(client.get(f"/assessments/{a.id}/report"))
    listed = section_text(report, "Not evidenced: the document or record was not available", "2. Results by area")
    assert "AAA-01 Essential thing" in listed and "BBB-01" not in listed
    gaps = section_text(report, "6. Gaps and recommendations", "7. Not applicable")
    assert "BBB-01 Second essential thing" in gaps and "AAA-01" not in gaps
    assert "not evidenced 1;" in report
    html = client.get(f"/assessments/{a.id}/score?filter=not_evidenced").get_data(as_text=True)
    assert 'id="req-AAA-01"' in html and 'id="req-BBB-01"' not in html


@pytest.mark.parametrize(
    ("answer", "state"),
    [
        ({}, State.TO_VERIFY),
        ({"score": 0, "basis": "sop_text"}, State.TO_VERIFY),
        ({"score": 0, "basis": "records"}, State.SCORED),
        ({"score": 0, "basis": "interview"}, State.SCORED),
        ({"score": 0, "basis": "observation"}, State.SCORED),
    ],
    ids=["unanswered", "sop_text", "records", "interview", "observation"],
)
def test_desk_review_leaves_a_practice_requirement_to_verify_on_site_unless_seen(
    head, make_assessment, save_response, answer, state
):
    unit, _ = head
    a = make_assessment(unit, modules=(), scope="desk")
    if answer:
        assert save_response(a.id, "BBB-02", **answer).status_code == 302
    result = sheet_of(a.id).result
    assert result.states["BBB-02"] is state
    assert ("BBB-02" in [g.requirement.id for g in result.gaps]) is (state is State.SCORED)
    assert result.overall.to_verify == (1 if state is State.TO_VERIFY else 0)
    assert result.states["BBB-01"] is State.OPEN  # decided from documents: a desk review decides it


def test_on_site_the_practice_requirement_is_scored_on_any_basis(head, make_assessment, save_response):
    unit, _ = head
    a = make_assessment(unit, modules=(), scope="onsite")
    assert sheet_of(a.id).result.states["BBB-02"] is State.OPEN
    save_response(a.id, "BBB-02", score=1, basis="sop_text")
    assert sheet_of(a.id).result.states["BBB-02"] is State.SCORED


def test_report_lists_requirements_to_verify_on_site(head, client, make_assessment, save_response):
    unit, _ = head
    a = make_assessment(unit, modules=(), scope="desk")
    save_response(a.id, "BBB-02", score=1, basis="sop_text")
    report = text_of(client.get(f"/assessments/{a.id}/report"))
    listed = section_text(report, "To verify on site Only records or practice", "2. Results by area")
    assert "BBB-02 Another important thing" in listed
    assert "BBB-02" not in section_text(report, "6. Gaps and recommendations", "7. Not applicable")


def test_several_citations_per_response_are_saved_and_shown(head, client, make_assessment, make_sop, save_response):
    unit, _ = head
    first = make_sop(unit, code="SOP-01", title="Scene work", version="1.0")
    second = make_sop(unit, code="SOP-07", title="Seals", version="3.1")
    a = make_assessment(unit, modules=())
    saved = save_response(
        a.id,
        "AAA-01",
        score=1,
        sop_id=first.id,
        sop_section="4.2",
        **{"citations-1-sop_id": second.id, "citations-1-section": "7"},
    )
    assert saved.status_code == 302
    citations = sheet_of(a.id).responses["AAA-01"].citations
    assert [(c.code, c.section, c.position) for c in citations] == [("SOP-01", "4.2", 0), ("SOP-07", "7", 1)]
    card = client.get(f"/assessments/{a.id}/score?section=AAA").get_data(as_text=True)
    assert (
        f'<option selected value="{first.id}">SOP-01' in card and f'<option selected value="{second.id}">SOP-07' in card
    )
    assert 'name="AAA-01-citations-1-section" type="text" value="7"' in card
    report = text_of(client.get(f"/assessments/{a.id}/report"))
    assert "(SOP-01 v1.0 § 4.2; SOP-07 v3.1 § 7)" in report
    documents = section_text(report, "Documents assessed", "Versions and dates")
    assert "SOP-01 · Scene work · version 1.0" in documents and "SOP-07 · Seals · version 3.1" in documents


def test_finalising_freezes_the_cited_documents_and_reopening_thaws_them(
    head, client, post, make_assessment, make_sop, save_response
):
    unit, user = head
    sop = make_sop(unit, code="SOP-01", title="Scene work", version="1.0")
    a = make_assessment(unit, modules=())
    save_response(a.id, "AAA-01", score=1, sop_id=sop.id, sop_section="4.2")
    assert post(f"/assessments/{a.id}/move/finalise", {"confirm": "yes"}).status_code == 302
    edited = post(
        f"/units/{unit.code}/sops/{sop.id}/edit", {"code": "SOP-01", "title": "Scene work v2", "version": "2.0"}
    )
    assert edited.status_code == 302
    locked = text_of(client.get(f"/assessments/{a.id}/report"))
    assert "SOP-01 v1.0 § 4.2" in locked and "v2.0" not in locked and "Scene work v2" not in locked
    assert "as they stood when the assessment was finalised" in locked
    assert "Documents SOP-01 v1.0 , § 4.2" in text_of(client.get(f"/assessments/{a.id}/score?section=AAA"))
    move_to(sheet_of(a.id).assessment, Move.REOPEN, user)
    reopened = text_of(client.get(f"/assessments/{a.id}/report"))
    assert "SOP-01 v2.0 § 4.2" in reopened and "Scene work v2" in reopened
