"""The demo consultation's report, read as a director and an accreditation assessor would."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.models import Assessment, PlannedAction
from app.services.reporting.reports import render_report_pdf
from tests.conftest import PASSWORD, csrf_token, demo_app, demo_assessment_id, text_of


@pytest.fixture(scope="module")
def served(demo_database, tmp_path_factory):
    """An app on a copy of the demo, and the demo consultation's id."""
    app = demo_app(demo_database, tmp_path_factory.mktemp("demo-report"))
    with app.app_context():
        assessment_id = demo_assessment_id()
    yield app, assessment_id
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def rendered(served):
    """The demo consultation's PDF as text per page, and its number of actions (rendered once)."""
    app, assessment_id = served
    with app.app_context():
        reader = PdfReader(io.BytesIO(render_report_pdf(db.session.get(Assessment, assessment_id))))
        actions = db.session.query(PlannedAction).filter_by(assessment_id=assessment_id).count()
        db.session.remove()
    return [" ".join(page.extract_text().split()) for page in reader.pages], actions


@pytest.fixture
def pages(rendered):
    return rendered[0]


def test_executive_summary_is_one_page_with_scope_findings_and_what_to_fund_first(pages):
    summary = pages[1]
    assert summary.startswith("Executive summary")
    assert pages[2].startswith("1. Scope and evidence")  # the summary ends on its own page
    assert "A document review (desk) of 12 documents" in summary
    assert "reviewed by an external expert (Dr Marko Kovač)" in summary
    assert re.search(r"Of \d+ applicable requirements: scored from evidence \d+; to verify on site \d+", summary)
    assert "Major · minor nonconformities" in summary
    assert "What to fund first" in summary and "Effort · cost" in summary
    assert "What the unit does well" in summary


def test_report_never_claims_more_than_the_evidence(pages):
    text = " ".join(pages)
    assert "scored from the unit's SOPs and records" not in text
    assert "Evidence coverage" in text and "Completeness" in text
    assert "To verify on site" in text and "Not evidenced: the document or record was not available" in text


def test_report_lists_the_documents_assessed_with_version_and_date(pages):
    scope = next(p for p in pages if "1. Scope and evidence" in p and "Documents assessed" in p)
    assert "QM-01 · Quality manual of the crime scene unit · version 2.0, 1 Mar 2023" in scope
    assert "SOP-09 · Firearms and ammunition at scenes · version 1.0" in scope


def test_report_shows_self_expert_and_agreed_scores_the_consultation_and_calibration(pages):
    text = " ".join(pages)
    assert "3. Expert review and consultation" in text
    assert "Consultation held on" in text and "Elena Nikolova, Project officer (SEESAC)" in text
    assert re.search(r"unit \d, expert \d, agreed \d", text) and "agreed open" in text
    assert "4. Calibration of the self-assessment" in text and "weighted kappa" in text
    assert "Rated higher by the unit than by the expert" in text


def test_action_plan_lists_grouped_actions_not_one_line_per_requirement(rendered, pages):
    actions = rendered[1]
    from app.domain.loader import load_checklist_file

    shipped, _text = load_checklist_file(Path(__file__).resolve().parent.parent / "checklists" / "csi-sop-enfsi.yaml")
    assert 10 <= actions <= len(shipped.remedies)  # one line per action the checklist declares, never per requirement
    plan = " ".join(p for p in pages if "5. Action plan" in p or "Closes:" in p)
    assert plan.count("Closes:") == actions
    assert "Write and approve a quality manual" in plan


def test_areas_are_named_not_coded(pages):
    results = next(p for p in pages if "2. Results by area" in p)
    assert "Governance and impartiality" in results and " GOV " not in results


def test_html_preview_has_landmarks_and_the_same_sections(served):
    app, assessment_id = served
    client = app.test_client()
    signed_in = client.post(
        "/login",
        data={"email": "director@demo-police.example", "password": PASSWORD, "csrf_token": csrf_token(client, app)},
    )
    assert signed_in.status_code == 302
    page = client.get(f"/assessments/{assessment_id}/report")
    html = page.get_data(as_text=True)
    assert "<main>" in html and '<header class="cover">' in html
    assert "What to fund first" in text_of(page) and "Where the unit, the expert and the agreement differ" in text_of(
        page
    )


def test_the_firearms_module_prints_the_harmonised_seizure_record(pages):
    annex = " ".join(pages[pages.index(next(p for p in pages if "Annex D. The harmonised seizure record" in p)) :])
    for column in ("seizure_context", "serial_status", "tracing_status", "exchange_basis", "quantity_unit"):
        assert column in annex
    assert "border_crossing" in annex and "printed_3d" in annex  # code lists, not only column names
    assert "UNSCR 1244/1999" in annex  # Kosovo* carries its footnote
