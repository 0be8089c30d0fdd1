"""Reports in the unit's language with English beside it (for the regional expert), and drafts per language."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.services.assessment.assessments import score_sheet
from app.services.reporting.drafts import Variant, draft_pdf, drafts_dir
from app.services.reporting.reports import render_report_pdf
from tests.conftest import DATA, answer_the_rest, text_of


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def serbian(app, catalogues, mini_version):
    """The mini checklist with its Serbian overlay, and a Serbian catalogue with the report's headings."""
    app.config["CHECKLISTS_DIR"] = str(DATA)
    catalogues(
        "sr-Latn",
        {"Executive summary": "Rezime", "6. Gaps and recommendations": "6. Nedostaci i preporuke"},
    )
    return mini_version


@pytest.fixture
def with_a_gap(serbian, make_unit, make_assessment):
    """An assessment whose essential requirement AAA-01 scores 1: a gap with its recommendation."""
    assessment = make_assessment(make_unit("SRB"))
    sheet = score_sheet(assessment)
    sheet.responses["AAA-01"].value, sheet.responses["AAA-01"].basis = 1, "sop_text"
    db.session.commit()
    return answer_the_rest(assessment)


def test_a_bilingual_report_puts_the_english_beside_each_translated_heading_and_checklist_text(with_a_gap):
    text = pdf_text(render_report_pdf(with_a_gap, locale="sr-Latn", bilingual=True))
    assert "Rezime / Executive summary" in text
    # A numbered heading keeps its number once.
    assert "6. Nedostaci i preporuke / Gaps and recommendations" in text
    assert "Bitna stvar / Essential thing" in text  # the requirement's title, from the overlay
    assert "Dodati zapis koji nedostaje u bitni postupak. / Add the missing record" in text  # its recommendation


def test_a_report_in_one_language_has_no_english_beside_it(with_a_gap):
    text = pdf_text(render_report_pdf(with_a_gap, locale="sr-Latn"))
    assert "Rezime" in text and "Bitna stvar" in text
    assert "Executive summary" not in text and "Essential thing" not in text


def test_render_refuses_bilingual_english_and_writes_a_bilingual_pdf_otherwise(runner, with_a_gap, tmp_path):
    out = tmp_path / "r.pdf"
    refused = runner.invoke(args=["report", "render", str(with_a_gap.id), "-o", str(out), "--bilingual"])
    assert refused.exit_code == 2 and not out.exists()
    assert "--bilingual puts English beside another language: give --lang" in refused.output
    done = runner.invoke(
        args=["report", "render", str(with_a_gap.id), "-o", str(out), "--lang", "sr-Latn", "--bilingual"]
    )
    assert done.exit_code == 0, done.output
    assert "Rezime / Executive summary" in pdf_text(out.read_bytes())


def test_the_draft_pdf_comes_in_the_language_asked_for_and_bilingual_when_asked(client, with_a_gap, make_user, login):
    login(make_user("unit_head", units=[with_a_gap.unit]))
    url = f"/assessments/{with_a_gap.id}/report.pdf"
    serbian = client.get(url + "?lang=sr-Latn")
    assert serbian.status_code == 200 and serbian.mimetype == "application/pdf"
    assert "Rezime" in pdf_text(serbian.data) and "Executive summary" not in pdf_text(serbian.data)
    both = client.get(url + "?lang=sr-Latn&bilingual=1")
    assert "Rezime / Executive summary" in pdf_text(both.data)
    english = client.get(url + "?lang=en&bilingual=1")  # English has nothing to stand beside
    assert "Executive summary" in pdf_text(english.data) and "Rezime" not in pdf_text(english.data)


def test_a_draft_in_a_language_not_offered_is_refused_naming_the_languages(client, with_a_gap, make_user, login):
    login(make_user("unit_head", units=[with_a_gap.unit]))
    refused = client.get(f"/assessments/{with_a_gap.id}/report.pdf?lang=de")
    assert refused.status_code == 400
    assert "There is no report in the language 'de' here. Languages offered: en, bs, hr, cnr" in text_of(refused)
    assert not list(drafts_dir().glob("*.pdf"))
    as_json = client.get(f"/assessments/{with_a_gap.id}/report.pdf?lang=de", headers={"Accept": "application/json"})
    assert as_json.status_code == 400 and as_json.json["error"] == "bad_request"
    assert as_json.json["message"].startswith("There is no report in the language 'de' here.")


def test_the_results_page_offers_a_draft_in_each_language_with_english_beside_it(client, with_a_gap, make_user, login):
    login(make_user("unit_head", units=[with_a_gap.unit]))
    html = client.get(f"/assessments/{with_a_gap.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    form = html[html.index('<form class="draft-language"') :]
    form = form[: form.index("</form>")]
    assert f'action="/assessments/{with_a_gap.id}/report.pdf"' in form and 'method="get"' in form
    assert '<option value="sr-Cyrl" lang="sr-Cyrl">' in form and 'name="bilingual" value="1"' in form


def test_drafts_of_one_state_in_two_languages_stay_side_by_side_until_the_assessment_changes(with_a_gap):
    english = draft_pdf(with_a_gap)
    serbian = draft_pdf(with_a_gap, variant=Variant("sr-Latn"))
    assert english.key != serbian.key and serbian.key.startswith(english.key)
    stored = {path.name for path in drafts_dir().glob("*.pdf")}
    assert {f"{english.key}.pdf", f"{serbian.key}.pdf"} <= stored
    assert draft_pdf(with_a_gap, variant=Variant("sr-Latn")).pdf == serbian.pdf  # kept, not rendered again
    score_sheet(with_a_gap).responses["AAA-01"].value = 2
    db.session.commit()
    changed = draft_pdf(with_a_gap)
    assert {path.stem for path in drafts_dir().glob("*.pdf")} == {changed.key, changed.key + "-reader"}
