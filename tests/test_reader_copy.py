"""The record inside a PDF follows the reader's rights: who may export gets the whole record,
a viewer the parts the report prints (no unprinted notes, no one's name beside each change,
nothing about the installation)."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.services.reporting.printed_record import FULL_NAME, PRINTED_NAME


def attached(pdf: bytes) -> dict[str, dict]:
    return {name: json.loads(data[0]) for name, data in PdfReader(io.BytesIO(pdf)).attachments.items()}


@pytest.fixture
def noted(make_unit, make_user, make_assessment, login, save_response, post):
    """A unit head's assessment with a note on a full score (never printed) and one on a gap."""
    unit = make_unit("U1")
    head = login(make_user("unit_head", units=[unit], email="head@u1.example", name="Ana Head"))
    assessment = make_assessment(unit)
    save_response(assessment.id, "AAA-03", score=3, evidence_note="Internal remark about the chief, not for print")
    save_response(assessment.id, "AAA-01", score=1, evidence_note="Only a draft procedure exists")
    post("/logout")
    return assessment, head


def test_a_unit_head_who_may_export_gets_the_whole_record(noted, client, login):
    assessment, head = noted
    login(head)
    pdf = client.get(f"/assessments/{assessment.id}/report.pdf").data
    (name,) = attached(pdf)
    record = attached(pdf)[FULL_NAME]
    assert name == FULL_NAME and "installation" in record
    notes = {r["requirement"]: r["evidence_note"] for r in record["responses"]}
    assert notes["AAA-03"] == "Internal remark about the chief, not for print"


def test_a_viewer_gets_only_what_the_report_prints(noted, client, login, make_user):
    assessment, _head = noted
    login(make_user("viewer", units=[assessment.unit], email="director@x.example"))
    response = client.get(f"/assessments/{assessment.id}/report.pdf")
    assert response.status_code == 200
    attachments = attached(response.data)
    assert list(attachments) == [PRINTED_NAME]
    record = attachments[PRINTED_NAME]
    text = json.dumps(record, ensure_ascii=False)
    assert "Internal remark about the chief" not in text  # a note the report does not print
    assert "Ana Head" not in text and "installation" not in text and "exported_by" not in text
    scores = {r["requirement"]: r["value"] for r in record["responses"]}
    assert scores["AAA-01"] == 1 and scores["AAA-03"] == 3
    assert len(record["full_record_hash"]) == 64


def test_the_two_copies_are_the_same_report(noted, app):
    from app.models import Assessment
    from app.services.reporting.reports import render_report

    assessment, _head = noted
    rendered = render_report(db.session.get(Assessment, assessment.id), reader_copy=True)
    full, reader = PdfReader(io.BytesIO(rendered.pdf)), PdfReader(io.BytesIO(rendered.reader_pdf))
    assert len(full.pages) == len(reader.pages)
    assert [p.extract_text() for p in full.pages] == [p.extract_text() for p in reader.pages]
