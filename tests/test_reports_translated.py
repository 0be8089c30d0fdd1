"""The demo consultation's report in Serbian Cyrillic, Macedonian and Albanian, with the shipped overlays:
the text extracted from the PDF is in that language and script, checklist text included."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.domain.loader import load_checklist_file
from app.domain.overlays import load_overlay_file
from app.extensions import db
from app.models import Assessment
from app.services.reporting.reports import render_report_pdf
from tests.conftest import demo_app, demo_assessment_id

CHECKLISTS = Path(__file__).resolve().parents[1] / "checklists"
LANGUAGES = ("sr-Cyrl", "mk", "sq")


@pytest.fixture(scope="module")
def reports(demo_database, tmp_path_factory) -> dict[str, list[str]]:
    """The demo consultation's report rendered once in each language: its pages as text."""
    app = demo_app(demo_database, tmp_path_factory.mktemp("translated-reports"))
    pages = {}
    with app.app_context():
        assessment = db.session.get(Assessment, demo_assessment_id())
        for code in LANGUAGES:
            reader = PdfReader(io.BytesIO(render_report_pdf(assessment, locale=code)))
            pages[code] = [" ".join(page.extract_text().split()) for page in reader.pages]
        db.session.remove()
        db.engine.dispose()
    return pages


def _titles(code: str) -> dict[str, str]:
    """Requirement id -> its title in the shipped overlay of ``code``."""
    version = load_checklist_file(CHECKLISTS / "csi-sop-enfsi.yaml")[0].version
    overlay = load_overlay_file(CHECKLISTS / "translations" / f"csi-sop-enfsi.{version}.{code}.yaml")
    return {k.id: e.text for k, e in overlay.entries.items() if k.kind == "requirement" and k.path == "title"}


def _gap_headings(pages: list[str]) -> list[tuple[str, str]]:
    """(requirement id, what follows it) for each ranked gap: "12. GOV-01 <title> — ..."."""
    text = " ".join(pages)
    return re.findall(r"\b\d+\. ([A-Z]{3}-\d{2}) ([^—]{3,160}) —", text)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_gaps_are_headed_by_their_titles_in_the_reports_language(reports, code):
    titles = _titles(code)
    checklist = load_checklist_file(CHECKLISTS / "csi-sop-enfsi.yaml")[0]
    english = {r.id: str(r.title) for section in checklist.sections for r in section.requirements}
    headings = _gap_headings(reports[code])
    assert len(headings) > 20
    translated = [rid for rid, after in headings if after.startswith(titles[rid])]
    assert len(translated) == len(headings), [h for h in headings if h[0] not in translated][:3]
    assert not any(after.startswith(english[rid]) for rid, after in headings)


@pytest.mark.parametrize("code", ["sr-Cyrl", "mk"])
def test_a_cyrillic_report_is_written_in_cyrillic_letters(reports, code):
    gaps_page = next(page for page in reports[code] if _gap_headings([page]))
    checklist_text = " ".join(after for _rid, after in _gap_headings([gaps_page]))
    letters = re.findall(r"[^\W\d_]", re.sub(r"\b[A-Z][A-Za-z0-9]*\b", "", checklist_text))
    assert sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff") / len(letters) > 0.97


def test_the_albanian_report_keeps_its_letters(reports):
    text = " ".join(reports["sq"])
    assert "ë" in text and "ç" in text
    assert "Përmbledhje ekzekutive" in text
