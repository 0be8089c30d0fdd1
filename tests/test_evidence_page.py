"""The Evidence page: from an SOP section to the requirements, citing on several at once, and the
coverage map on its page and in the report's Annex E (issue 17, deliverables 4 and 5)."""

from __future__ import annotations

import io
import re

import pytest
import yaml
from pypdf import PdfReader
from sqlalchemy import select

from app.domain.loader import load_checklist_file
from app.extensions import db
from app.models import Assessment, ChecklistVersion, Event
from app.services.assessment.assessments import create_assessment, score_sheet
from app.services.assessment.citing import cite_section
from app.services.content.checklists import store_checklist
from app.services.content.evidence import suggestions
from app.services.content.sop_documents import current_document, import_sop_document
from app.services.reporting.reports import render_report_pdf
from tests.conftest import DATA, finalise, response_of, text_of

SOP_TEXT = b"""# Scene SOP

## 1 Seals

Every bag is sealed at the scene. The sealing officer signs and dates every seal across the tape.

## 2 The store

The evidence store is locked at all times and the key is held by the store officer.

## 3 Canteen

Lunch is served from noon to two. Coffee is free on Fridays.

## 4 Firearms

Every firearm is treated as loaded until an examiner has made it safe.
"""


@pytest.fixture
def unit_with_sop(make_unit, make_assessment):
    unit = make_unit("UA")
    outcome = import_sop_document(unit, SOP_TEXT, "scene.md", code="SOP-3", version="1")
    assessment = make_assessment(unit, title="Ours")
    db.session.commit()
    return assessment, outcome.sop


def _page(client, a, **args):
    return client.get(f"/assessments/{a.id}/evidence", query_string=args)


def _cited(a, rid):
    return [(c.code, c.section) for c in response_of(a, rid).citations]


def test_the_evidence_tab_lists_the_sections_with_how_many_requirements_cite_each(
    client, unit_with_sop, make_user, login
):
    a, sop = unit_with_sop
    head = make_user("unit_head", units=[a.unit])
    cite_section(score_sheet(a), ["AAA-01", "BBB-01"], sop, "1", "", head)
    db.session.commit()
    login(head)
    response = _page(client, a)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'href="/assessments/{a.id}/evidence" aria-current="page"' in html  # the tab
    seals = re.search(r"section=1\"[^>]*>.*?</a>\s*<span class=\"cite-count[^\"]*\"[^>]*>(\d+)", html, re.S)
    assert seals and seals.group(1) == "2"
    assert "Canteen" in html and "The store" in html


def test_a_chosen_section_shows_its_text_the_requirements_citing_it_and_those_it_most_likely_answers(
    client, unit_with_sop, make_user, login
):
    a, sop = unit_with_sop
    head = make_user("unit_head", units=[a.unit])
    cite_section(score_sheet(a), ["AAA-02"], sop, "1", "", head)
    db.session.commit()
    login(head)
    response = _page(client, a, sop="SOP-3", section="1")
    text = text_of(response)
    assert response.status_code == 200
    assert "The sealing officer signs and dates every seal" in text
    citing = text.split("Requirements that cite it", 1)[1].split("Requirements it most likely answers", 1)[0]
    assert "AAA-02" in citing
    likely = text.split("Requirements it most likely answers", 1)[1]
    assert "BBB-01 Second essential thing" in likely  # "seals to be signed and dated"
    html = response.get_data(as_text=True)
    assert 'name="requirement" value="BBB-01"' in html


def test_a_section_not_in_the_current_version_is_said_so(client, unit_with_sop, make_user, login):
    a, _sop = unit_with_sop
    login(make_user("unit_head", units=[a.unit]))
    response = _page(client, a, sop="SOP-3", section="9.9")
    assert response.status_code == 404 and "SOP-3 has no section 9.9 in its current version" in text_of(response)


def test_citing_a_section_on_several_requirements_at_once_keeps_each_its_quote(
    client, post, unit_with_sop, make_user, login
):
    a, _sop = unit_with_sop
    head = make_user("unit_head", units=[a.unit])
    login(head)
    url = f"/assessments/{a.id}/evidence/cite"
    response = post(url, {"sop": "SOP-3", "section": "1", "requirement": ["BBB-01", "AAA-01"]})
    assert response.status_code == 302 and response.headers["Location"].endswith("sop=SOP-3&section=1")
    assert _cited(a, "BBB-01") == [("SOP-3", "1")] and _cited(a, "AAA-01") == [("SOP-3", "1")]
    assert "signs and dates every seal" in response_of(a, "BBB-01").citations[0].quote
    page = client.get(response.headers["Location"])
    text = text_of(page)
    assert "SOP-3 § 1 is now cited on: BBB-01, AAA-01." in text
    citing = text.split("Requirements that cite it", 1)[1].split("Requirements it most likely answers", 1)[0]
    assert "AAA-01" in citing and "BBB-01" in citing
    assert db.session.scalar(select(Event).where(Event.name == "response.cited")) is not None

    again = post(url, {"sop": "SOP-3", "section": "1", "requirement": ["BBB-01", "AAA-03"]}, follow_redirects=True)
    text = text_of(again)
    assert "is now cited on: AAA-03." in text and "Cited already, left as it was: BBB-01." in text
    assert _cited(a, "BBB-01") == [("SOP-3", "1")]


def test_citing_without_the_csrf_token_is_refused_and_cites_nothing(client, unit_with_sop, make_user, login):
    a, _sop = unit_with_sop
    login(make_user("unit_head", units=[a.unit]))
    response = client.post(
        f"/assessments/{a.id}/evidence/cite", data={"sop": "SOP-3", "section": "1", "requirement": ["BBB-01"]}
    )
    assert response.status_code == 400 and _cited(a, "BBB-01") == []


def test_a_refused_citation_says_why_and_keeps_the_choice(client, post, unit_with_sop, make_user, login):
    a, _sop = unit_with_sop
    login(make_user("unit_head", units=[a.unit]))
    url = f"/assessments/{a.id}/evidence/cite"
    response = post(url, {"sop": "SOP-3", "section": "1", "requirement": ["BBB-01", "ZZZ-99"]})
    assert response.status_code == 400
    assert "Not part of this assessment: ZZZ-99." in text_of(response)
    assert re.search(r'value="BBB-01"[^>]*checked', response.get_data(as_text=True))
    assert _cited(a, "BBB-01") == []
    nothing = post(url, {"sop": "SOP-3", "section": "1"})
    assert nothing.status_code == 400 and "Choose the requirements to cite this section on." in text_of(nothing)
    unknown = post(url, {"sop": "SOP-404", "section": "1", "requirement": ["BBB-01"]})
    assert unknown.status_code == 400 and "no document SOP-404" in text_of(unknown)


def test_a_viewer_and_an_expert_read_the_page_without_checkboxes_and_may_not_cite(
    client, post, unit_with_sop, make_user, login
):
    a, _sop = unit_with_sop
    for role in ("viewer", "expert"):
        client.get("/logout")
        login(make_user(role, units=[a.unit]))
        response = _page(client, a, sop="SOP-3", section="1")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Second essential thing" in html
        assert 'name="requirement"' not in html and "Cite this section on the chosen requirements" not in html
        refused = post(f"/assessments/{a.id}/evidence/cite", {"sop": "SOP-3", "section": "1", "requirement": "BBB-01"})
        assert refused.status_code == 403 and _cited(a, "BBB-01") == []


def test_another_units_assessment_is_hidden(client, post, unit_with_sop, make_unit, make_user, login):
    a, _sop = unit_with_sop
    login(make_user("unit_head", units=[make_unit("UB")]))
    assert _page(client, a).status_code == 404
    assert client.get(f"/assessments/{a.id}/evidence/map").status_code == 404
    response = post(f"/assessments/{a.id}/evidence/cite", {"sop": "SOP-3", "section": "1", "requirement": "BBB-01"})
    assert response.status_code == 404 and _cited(a, "BBB-01") == []


def test_another_units_document_cannot_be_cited(client, post, unit_with_sop, make_unit, make_user, login):
    a, _sop = unit_with_sop
    other = make_unit("UB")
    import_sop_document(other, SOP_TEXT, "theirs.md", code="SOP-THEIRS", version="1")
    db.session.commit()
    login(make_user("unit_head", units=[a.unit]))
    response = post(
        f"/assessments/{a.id}/evidence/cite", {"sop": "SOP-THEIRS", "section": "1", "requirement": "BBB-01"}
    )
    assert response.status_code == 400 and "no document SOP-THEIRS" in text_of(response)
    assert _page(client, a, sop="SOP-THEIRS", section="1").status_code == 404
    assert _cited(a, "BBB-01") == []


def test_a_finalised_assessment_refuses_to_cite_with_a_message_and_keeps_the_choice(
    client, post, unit_with_sop, make_user, login
):
    a, _sop = unit_with_sop
    head = make_user("unit_head", units=[a.unit])
    finalise(a, head)
    login(head)
    page = _page(client, a, sop="SOP-3", section="1")
    assert page.status_code == 200 and 'name="requirement"' not in page.get_data(as_text=True)
    response = post(f"/assessments/{a.id}/evidence/cite", {"sop": "SOP-3", "section": "1", "requirement": "BBB-01"})
    assert response.status_code == 409
    assert "The assessment is at the stage 'Finalised', where no one can" in text_of(response)
    assert _cited(a, "BBB-01") == []


def test_no_imported_sop_says_so_and_links_to_the_unit_page(client, make_unit, make_assessment, make_user, login):
    unit = make_unit("UC")
    a = make_assessment(unit)
    login(make_user("assessor", units=[unit]))
    for url in (f"/assessments/{a.id}/evidence", f"/assessments/{a.id}/evidence/map"):
        response = client.get(url)
        assert response.status_code == 200 and "No SOP of this unit has been imported yet" in text_of(response)
        assert 'href="/units/UC"' in response.get_data(as_text=True)


def test_the_coverage_map_counts_and_lists_both_sides(client, unit_with_sop, make_user, login):
    a, sop = unit_with_sop
    head = make_user("unit_head", units=[a.unit])
    cite_section(score_sheet(a), ["AAA-01", "BBB-01"], sop, "1", "", head)
    db.session.commit()
    login(head)
    response = client.get(f"/assessments/{a.id}/evidence/map")
    text = " ".join(text_of(response).split()).replace(" , ", ", ")
    assert response.status_code == 200
    assert "2 of 7 requirements cite a section of the unit's SOPs" in text
    assert "1 of 4 SOP sections are cited" in text
    assert "SOP-3 § 1 Seals AAA-01, BBB-01" in text
    unanswered = text.split("Requirements no section answers", 1)[1].split("SOP sections no requirement cites", 1)[0]
    assert "AAA-02" in unanswered and "BBB-02" in unanswered and "AAA-01" not in unanswered
    assert re.search(r"1 records or practice decide .*BBB-02", unanswered)
    uncited = text.rsplit("SOP sections no requirement cites", 1)[1]
    assert "SOP-3 § 3 Canteen" in uncited and "SOP-3 § 1 " not in uncited


def _pdf_text(data: bytes) -> str:
    return " ".join("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_the_report_prints_annex_e_with_the_sections_cited(unit_with_sop, make_user):
    a, sop = unit_with_sop
    head = make_user("unit_head", units=[a.unit])
    cite_section(score_sheet(a), ["AAA-01", "BBB-01"], sop, "1", "", head)
    db.session.commit()
    text = _pdf_text(render_report_pdf(db.session.get(Assessment, a.id)))
    annex = text.split("Annex E. Evidence: the SOP sections cited", 1)[1]
    assert "2 of 7 requirements cite a section of the unit's imported SOPs; 1 of 4 sections are cited." in annex
    assert "SOP-3 § 1 Seals AAA-01, BBB-01" in annex
    assert "Decided from records or practice (1), which an SOP section cannot answer alone: BBB-02." in annex
    assert "SOP-3 § 3 Canteen" in annex


def test_the_report_of_a_unit_without_sops_says_none_were_imported(make_unit, make_assessment):
    a = make_assessment(make_unit("UC"))
    text = _pdf_text(render_report_pdf(a))
    annex = text.split("Annex E. Evidence: the SOP sections cited", 1)[1]
    assert annex.strip().startswith("No SOP documents of the unit were imported")


SHIPPED = DATA.parent.parent / "checklists" / "csi-sop-enfsi.yaml"
ENGLISH = DATA / "sops" / "evidence" / "en-scene-sop.md"


def test_on_the_shipped_checklist_a_section_lists_a_requirement_it_is_labelled_with(
    client, make_unit, make_user, login
):
    checklist, text = load_checklist_file(SHIPPED)
    store_checklist(checklist, text, SHIPPED.name)
    version = db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.version == checklist.version))
    unit = make_unit("ENG")
    a = create_assessment(unit=unit, version=version, title="Ours", modules=[m.id for m in checklist.modules])
    import_sop_document(unit, ENGLISH.read_bytes(), ENGLISH.name, code="SOP-EN", version="1")
    db.session.commit()
    labels = yaml.safe_load(ENGLISH.with_name("en-scene-sop.labels.yaml").read_text(encoding="utf-8"))
    login(make_user("unit_head", units=[unit]))
    for section in ("6.6", "7.1"):
        likely = text_of(_page(client, a, sop="SOP-EN", section=section)).split("Requirements it most likely answers")[
            1
        ]
        assert any(rid in likely for rid in labels[section]), section


def test_a_document_given_a_freed_id_is_not_read_from_the_index_of_the_one_before(unit_with_sop):
    a, sop = unit_with_sop
    assert {s.passage.code for s in suggestions(a, ["BBB-01"])["BBB-01"]} == {"SOP-3"}
    old_id = current_document(sop).id
    db.session.delete(sop)
    db.session.commit()
    outcome = import_sop_document(a.unit, SOP_TEXT.replace(b"Seals", b"Sealing"), "new.md", code="SOP-9", version="1")
    db.session.commit()
    # SQLite hands the freed id out again (PostgreSQL's sequence does not): either way, the new document is read
    assert current_document(outcome.sop).id == old_id or db.engine.dialect.name != "sqlite"
    assert {s.passage.code for s in suggestions(a, ["BBB-01"])["BBB-01"]} == {"SOP-9"}


def test_a_finalised_assessment_maps_its_evidence_on_the_version_it_cited(client, unit_with_sop, make_user, login):
    """A new version of the SOP imported after finalising (sections renumbered) leaves the map as assessed."""
    a, sop = unit_with_sop
    head = make_user("unit_head", units=[a.unit])
    cite_section(score_sheet(a), ["BBB-02"], sop, "2", "The evidence store is locked at all times.", head)
    db.session.commit()
    finalise(a, head)
    renumbered = SOP_TEXT.replace(b"## 2 The store", b"## 7 The store")
    import_sop_document(a.unit, renumbered, "scene-v2.md", code="SOP-3", version="2")
    db.session.commit()
    login(head)
    page = text_of(client.get(f"/assessments/{a.id}/evidence/map"))
    assert "SOP-3 § 2" in page and "SOP-3 § 7" not in page
    draft = make_assessment_like(a)
    assert "SOP-3 § 7" in text_of(client.get(f"/assessments/{draft.id}/evidence/map"))  # a draft reads the current


def make_assessment_like(a):
    draft = create_assessment(unit=a.unit, version=a.checklist_version, title="Next", modules=list(a.modules))
    db.session.commit()
    return draft


def test_a_citation_of_a_document_not_imported_is_said_so_on_the_map(
    client, unit_with_sop, make_sop, make_user, login, save_response
):
    a, _sop = unit_with_sop
    head = make_user("unit_head", units=[a.unit])
    login(head)
    manual = make_sop(a.unit, "QM-01")  # in the register, never imported
    save_response(a.id, "AAA-02", score=2, basis="sop_text", sop_id=manual.id, sop_section="6.5")
    page = text_of(client.get(f"/assessments/{a.id}/evidence/map"))
    assert "Requirements citing documents not imported" in page
    assert "1 more requirement cites only documents or sections not imported here" in page
    unanswered = page.split("Requirements no section answers", 1)[1]
    assert "AAA-02" not in unanswered.split("SOP sections no requirement cites")[0]
