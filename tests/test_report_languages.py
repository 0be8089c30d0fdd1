"""Reports in a chosen language: rendered, issued and recorded in it, drawn from the vendored fonts."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.models import IssuedReport
from app.services.reporting.issuing import issue_report
from app.services.reporting.reports import render_report_pdf
from tests.conftest import finalise, text_of


def pdf_text_and_fonts(pdf: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")).split("+")[-1])
    return "".join(page.extract_text() for page in reader.pages), fonts


@pytest.mark.parametrize(
    ("code", "title", "date_shown"),
    [("sr-Cyrl", "Извештај о недостацима", "30. 11. 2026."), ("sq", "Raporti i mangësive", "30 nën 2026")],
)
def test_a_report_renders_in_cyrillic_and_albanian_with_every_glyph_from_the_vendored_fonts(
    app, catalogues, make_unit, make_assessment, code, title, date_shown
):
    catalogues(code, {"Gap report": title})
    assessment = make_assessment(make_unit("KOS", name="Njësia KSI Prishtinë"))
    assessment.assessed_on = dt.date(2026, 11, 30)
    db.session.commit()
    _, english_fonts = pdf_text_and_fonts(render_report_pdf(assessment, locale="en"))
    text, fonts = pdf_text_and_fonts(render_report_pdf(assessment, locale=code))
    assert title.casefold() in text.casefold()  # the cover prints it in capitals
    assert date_shown in text and "Njësia KSI Prishtinë" in text
    # Every glyph came from the fonts the English report uses (Noto Sans, vendored; the system's
    # monospace for codes): no fallback font was needed, so none was missing.
    assert "Noto-Sans" in fonts and fonts <= english_fonts, fonts


def test_report_render_takes_a_language_and_refuses_others_naming_them(runner, make_unit, make_assessment, tmp_path):
    assessment = make_assessment(make_unit())
    out = tmp_path / "r.pdf"
    refused = runner.invoke(args=["report", "render", str(assessment.id), "-o", str(out), "--lang", "de"])
    assert refused.exit_code == 2 and not out.exists()
    assert "'de' is not a language here; choose one of en, bs, hr, cnr, sr-Latn, sr-Cyrl, sq, mk" in refused.output
    done = runner.invoke(args=["report", "render", str(assessment.id), "-o", str(out), "--lang", "hr"])
    assert done.exit_code == 0, done.output
    assert out.read_bytes().startswith(b"%PDF")


def test_issuing_records_the_language_asked_for_else_the_signing_persons(
    app, runner, make_unit, make_user, make_assessment
):
    unit = make_unit()
    head = make_user("unit_head", units=[unit], email="head@example.org")
    head.language = "mk"
    db.session.commit()
    first = finalise(make_assessment(unit, title="First"), head)
    report = issue_report(first, head)
    db.session.commit()
    assert report.language == "mk"
    second = finalise(make_assessment(unit, title="Second"), head)
    result = runner.invoke(args=["report", "issue", str(second.id), "--by", "head@example.org", "--lang", "sq"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("language sq")
    assert db.session.scalar(select(IssuedReport.language).where(IssuedReport.assessment_id == second.id)) == "sq"
    refused = runner.invoke(args=["report", "issue", str(second.id), "--lang", "xx"])
    assert refused.exit_code == 2 and "choose one of en, bs" in refused.output


def test_the_issue_form_offers_the_languages_and_records_the_one_chosen(
    client, make_unit, make_user, make_assessment, login, post
):
    unit = make_unit()
    head = make_user("unit_head", units=[unit])
    assessment = finalise(make_assessment(unit), head)
    login(head)
    results = client.get(f"/assessments/{assessment.id}", headers={"Accept-Language": "hr"}).get_data(as_text=True)
    chooser = re.search(r'<select id="issue-language".*?</select>', results, re.S).group()
    assert '<option value="hr" lang="hr" selected>Hrvatski</option>' in chooser
    post(f"/assessments/{assessment.id}/issue", {"language": "sr-Cyrl"})
    assert db.session.scalar(select(IssuedReport.language)) == "sr-Cyrl"
    assert "Српски (ћирилица)" in text_of(client.get(f"/assessments/{assessment.id}"))
