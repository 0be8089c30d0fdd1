"""The gap report: PDF and HTML preview from the same templates."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.models import Assessment
from app.services.assessment.assessments import score_sheet
from app.services.assessment.plans import suggest_actions
from app.services.reporting.reports import css_counter_text, render_report_pdf
from tests.conftest import text_of


@pytest.fixture
def scored(make_unit, make_user, make_assessment, make_sop, login, save_response):
    unit = make_unit("SRB", name="Belgrade Crime Scene Unit", jurisdiction="Serbia")
    sop = make_sop(unit, code="SOP-05")
    a = make_assessment(unit, title="Consultation 2026")
    login(make_user("unit_head", units=[unit]))
    save_response(a.id, "AAA-01", score=1, sop_id=sop.id, sop_section="3.1", evidence_note="Seals are not dated.")
    save_response(a.id, "AAA-02", score=0, evidence_note="No role is named.")
    save_response(a.id, "AAA-03", score="na", na_justification="The unit runs no such review.")
    save_response(a.id, "BBB-01", score=3)
    save_response(
        a.id,
        "FFF-01",
        score=2,
        recommendation="Train two more examiners.",
    )
    sheet = score_sheet(db.session.get(Assessment, a.id))
    for action in suggest_actions(sheet, None):
        if action.remedy is None and action.gaps[0].requirement.code == "FFF-01":
            action.owner, action.due_on = "Firearms coordinator", dt.date(2027, 2, 1)
    db.session.commit()
    return a


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_holds_unit_score_and_a_recommendation_for_each_gap(app, scored):
    assessment = db.session.get(Assessment, scored.id)
    data = render_report_pdf(assessment)
    text = " ".join(pdf_text(data).split())
    assert data.startswith(b"%PDF")
    assert "Belgrade Crime Scene Unit" in text and "Serbia" in text
    # weights: AAA-01 3 x 1/3, AAA-02 2 x 0, BBB-01 3 x 1, FFF-01 3 x 2/3 -> (1 + 0 + 3 + 2) / 11
    assert "55%" in text
    for recommendation in (
        "Add the missing record to the essential procedure.",  # AAA-01 at 1
        "Name the role for the important thing.",  # AAA-02 at 0
        "Add the recording of the state before unloading.",  # FFF-01 at 2: closest lower key 1
    ):
        assert recommendation in text
    assert "Seals are not dated." in text and "Train two more examiners." in text
    assert "The unit runs no such review." in text  # N/A statement
    assert "Firearms coordinator" in text  # action plan
    assert "Page 1 of" in text


def test_pdf_has_bookmarks_metadata_and_a4_pages(app, scored):
    reader = PdfReader(io.BytesIO(render_report_pdf(db.session.get(Assessment, scored.id))))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Executive summary" in titles and "5. Action plan" in titles and "1. Scope and evidence" in titles
    assert "Belgrade Crime Scene Unit" in reader.metadata.title
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_download_button_serves_the_pdf_with_a_telling_name(client, scored):
    response = client.get(f"/assessments/{scored.id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="gap-report-SRB-{scored.id}-r1-draft.pdf"' in response.headers["Content-Disposition"]
    assert "Belgrade Crime Scene Unit" in pdf_text(response.data)


def test_html_preview_shows_the_same_content(client, scored):
    page = client.get(f"/assessments/{scored.id}/report")
    text = text_of(page)
    assert page.status_code == 200
    assert "Executive summary" in text and "What to fund first" in text
    assert "Name the role for the important thing." in text
    assert "/reports/report.css" in page.get_data(as_text=True)
    css = client.get("/reports/report.css")
    assert css.status_code == 200 and css.mimetype == "text/css" and "@page" in css.get_data(as_text=True)


def test_report_of_an_unscored_assessment_says_so(app, make_unit, make_assessment):
    assessment = make_assessment(make_unit("MNE"))
    text = " ".join(pdf_text(render_report_pdf(assessment)).split())
    assert "No requirement has been scored from evidence yet" in text
    assert "No gaps among the requirements scored from evidence." in text


def test_page_counter_text_is_made_from_the_translated_phrase():
    assert css_counter_text("Page {page} of {pages}") == '"Page " counter(page) " of " counter(pages)'
    assert css_counter_text("Strana {page} od {pages}") == '"Strana " counter(page) " od " counter(pages)'
    assert css_counter_text('{page}/{pages} "x"') == 'counter(page) "/" counter(pages) " \\"x\\""'


def test_the_gap_report_names_kosovo_as_the_regions_publications_do(
    client, make_unit, make_user, make_assessment, login
):
    unit = make_unit("KSV", name="Prishtina CSI", jurisdiction="Kosovo")
    assessment = make_assessment(unit)
    login(make_user("viewer", units=[unit]))
    page = client.get(f"/assessments/{assessment.id}/report").get_data(as_text=True)
    assert "Kosovo* · KSV" in page
    assert "without prejudice to positions on status" in page and "UNSCR 1244/1999" in page
    other = make_assessment(make_unit("MNE", jurisdiction="Montenegro"))
    login(make_user("admin"))
    assert "UNSCR 1244" not in client.get(f"/assessments/{other.id}/report").get_data(as_text=True)


def test_a_draft_rendered_here_loads_the_score_sheet_once(app, scored, monkeypatch):
    """The draft's key and its render share one score sheet (responses, reviews, citations, actions)."""
    from app.services.assessment import assessments
    from app.services.reporting import drafts, report_data, reports

    built = []
    real = assessments.score_sheet

    def counting(assessment):
        built.append(assessment.id)
        return real(assessment)

    for module in (drafts, reports, report_data):
        monkeypatch.setattr(module, "score_sheet", counting)
    draft = drafts.draft_pdf(db.session.get(Assessment, scored.id))
    assert draft.pdf.startswith(b"%PDF") and "Seals are not dated." in pdf_text(draft.pdf)
    assert built == [scored.id]
