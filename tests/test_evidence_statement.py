"""The evidence statement (report section 1) says what each assessed document was worth: its register note."""

from __future__ import annotations

from app.extensions import db
from app.models import Citation
from tests.conftest import finalise, text_of


def test_the_report_prints_each_assessed_documents_register_note(
    client, make_unit, make_user, make_assessment, make_sop, login
):
    unit = make_unit("U1")
    head = make_user("unit_head", units=[unit])
    toc = make_sop(unit, code="SOP-03", title="Scene photography")
    toc.notes = "Only the table of contents was available."
    plain = make_sop(unit, code="SOP-04", title="Packaging")
    assessment = make_assessment(unit, scope="desk")
    first, second = assessment.responses[:2]
    first.value, first.basis = 2, "sop_text"
    first.citations.append(Citation(sop=toc, section="1"))
    second.value, second.basis = 3, "sop_text"
    second.citations.append(Citation(sop=plain, section="2"))
    db.session.commit()
    finalise(assessment, head)
    login(head)
    report = text_of(client.get(f"/assessments/{assessment.id}/report"))
    section = report[report.index("1. Scope and evidence") :]
    assert "Register notes on the documents: SOP-03, Only the table of contents was available." in section
    listed = section[section.index("Documents assessed") :]
    assert (
        "SOP-03 · Scene photography" in listed and "Register note: Only the table of contents was available." in listed
    )
    assert listed.count("Register note:") == 1  # SOP-04 has none
    summary = report[report.index("Executive summary") : report.index("1. Scope and evidence")]
    assert "Register notes on the documents: SOP-03" in summary
