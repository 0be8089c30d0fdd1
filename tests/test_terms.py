"""The glossary: a Terms page per assessment, and the regional names as an annex of the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.loader import load_checklist_file
from app.extensions import db
from app.models import ChecklistVersion
from app.services.assessment.assessments import create_assessment
from app.services.content.checklists import store_checklist
from app.services.reporting.reports import render_report_html
from tests.conftest import text_of

SHIPPED = Path(__file__).resolve().parent.parent / "checklists"


@pytest.fixture
def on_2_0(make_unit, make_user):
    checklist, text = load_checklist_file(SHIPPED / "csi-sop-enfsi.yaml")
    store_checklist(checklist, text, "csi-sop-enfsi.yaml")
    version = db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.version == checklist.version))
    unit = make_unit("BIH")
    head = make_user("unit_head", units=[unit])
    assessment = create_assessment(unit=unit, version=version, title="Terms", modules=[], user=head)
    db.session.commit()
    return assessment, head


def test_the_terms_page_gives_meanings_and_regional_equivalents(client, login, on_2_0):
    assessment, head = on_2_0
    login(head)
    page = text_of(client.get(f"/assessments/{assessment.id}/terms"))
    assert "Terms used in csi-sop-enfsi@2.1.1" in page
    assert "scene examination" in page and "Croatian očevid" in page and "Serbian, Cyrillic увиђај" in page
    assert "legal form" in page  # the official note is explained, not just translated


def test_another_unit_cannot_read_the_terms_page_of_an_assessment(client, login, on_2_0, make_unit, make_user):
    assessment, _head = on_2_0
    login(make_user("unit_head", units=[make_unit("SRB")]))
    assert client.get(f"/assessments/{assessment.id}/terms").status_code == 404


def test_an_assessment_on_a_version_without_glossary_says_so(client, login, make_unit, make_user, make_assessment):
    unit = make_unit("MNE")
    assessment = make_assessment(unit)
    login(make_user("viewer", units=[unit]))
    assert "This checklist version has no glossary" in text_of(client.get(f"/assessments/{assessment.id}/terms"))


def test_the_report_lists_the_confirmed_regional_names_in_one_annex(app, on_2_0):
    from app.services.assessment.assessments import score_sheet
    from app.services.reporting.report_data import build_report

    assessment, _head = on_2_0
    with app.test_request_context():
        html = render_report_html(build_report(assessment, score_sheet(assessment), record_hash="0" * 64))
    assert "Annex C. Terms in the region's legal languages" in html
    assert "<b>scene examination</b>: uviđaj (Bosnian), očevid (Croatian)" in html
    assert "Criticality" in html and "marked core" in html


def test_each_card_lists_what_to_look_for_with_the_essential_elements_marked(client, login, on_2_0):
    assessment, head = on_2_0
    login(head)
    page = client.get(f"/assessments/{assessment.id}/score?section=MGT").get_data(as_text=True)
    from app.domain.loader import load_checklist_file

    checklist, _text = load_checklist_file(SHIPPED / "csi-sop-enfsi.yaml")
    mgt_02 = next(r for r in checklist.requirements() if r.id == "MGT-02")
    assert "What to look for" in page
    card = page[page.index('id="req-MGT-02"') :]
    card = card[: card.index("</article>")] if "</article>" in card else card
    for element in mgt_02.elements:
        assert str(element.text).replace("'", "&#39;") in card
    assert card.count('class="el-essential"') == sum(e.essential for e in mgt_02.elements)
    anchors = client.get(f"/assessments/{assessment.id}/anchors/MGT-02", headers={"X-Fragment": "1"})
    assert str(checklist.level_rule).split(":")[0] in anchors.get_data(as_text=True)  # the rule beside the anchors
