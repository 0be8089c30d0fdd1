"""Citing a suggested passage from the card in the browser: the citation shows at once, and the
card's next autosave keeps it without a conflict (issue 17, deliverable 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.extensions import db
from app.models import ChecklistRequirement, Response, Unit
from app.services.assessment.assessments import create_assessment
from app.services.content.checklists import latest_versions
from app.services.content.sop_documents import import_sop_document

EN_SOP = Path(__file__).parents[1] / "data" / "sops" / "evidence" / "en-scene-sop.md"
SHOTS = Path("/tmp/cards")


@pytest.fixture
def with_sop(server):
    """A new self-assessment of the demo unit, whose register holds an imported English SOP."""
    with server["app"].app_context():
        unit = db.session.scalar(db.select(Unit).where(Unit.code == "DEMO"))
        if not any(s.code == "SOP-EN" for s in unit.sops):
            import_sop_document(unit, EN_SOP.read_bytes(), EN_SOP.name, code="SOP-EN", version="1")
        assessment = create_assessment(unit=unit, version=latest_versions()[0], title="Citing test", scope="onsite")
        db.session.commit()
        return assessment.id


def stored(server, assessment_id: int, code: str) -> tuple[int, list[tuple[str, str, str]], str]:
    with server["app"].app_context():
        response = db.session.scalar(
            db.select(Response)
            .join(ChecklistRequirement)
            .where(Response.assessment_id == assessment_id, ChecklistRequirement.code == code)
        )
        return response.version, [(c.code, c.section, c.quote) for c in response.citations], response.evidence_note


def test_cite_a_suggestion_then_autosave_the_note_without_a_conflict(signed_in, server, with_sop):
    page = signed_in("unit_head")
    page.goto(f"/assessments/{with_sop}/score?section=GOV")
    card = page.locator("#req-GOV-01")
    box = card.locator("[data-suggested]")
    assert box.locator("[data-suggestion]").count() == 3
    assert box.locator("mark").count() >= 1
    SHOTS.mkdir(exist_ok=True)
    card.screenshot(path=str(SHOTS / "card-with-suggestions.png"))

    first = box.locator("[data-suggestion]").first
    section = first.get_attribute("data-section")
    first.locator("button", has_text="Cite").click()
    first.locator("[data-cited]").wait_for(timeout=10000)
    assert "cited on GOV-01" in box.locator("[data-cite-status]").inner_text()

    row = card.locator(".layer-self [data-citations] [data-row]").first
    assert row.locator("input[type=text]").input_value() == section
    quote = row.locator("[data-quote]").inner_text()
    assert quote
    version, citations, _note = stored(server, with_sop, "GOV-01")
    assert citations == [("SOP-EN", section, quote)]
    assert card.locator(".layer-self input[name$='version']").input_value() == str(version)

    card.locator("textarea[name='GOV-01-evidence_note']").fill("Section cited covers the legal standing.")
    page.locator("#req-GOV-01 .layer-self [data-status]").filter(has_text="✓").wait_for(timeout=10000)
    assert card.locator(".save-problem").count() == 0
    _version, kept, note = stored(server, with_sop, "GOV-01")
    assert note == "Section cited covers the legal standing."
    assert kept == citations  # the autosave kept the citation and its quote
    card.screenshot(path=str(SHOTS / "card-after-cite.png"))
