"""The Evidence page as a unit head uses it: choose an SOP section, tick two of the requirements it
most likely answers, cite it on both, and see them listed as citing it (issue 17, deliverable 4)."""

from __future__ import annotations

import os

import pytest

from app.extensions import db
from app.models import ChecklistVersion, Sop, Unit, User
from app.services.assessment.assessments import create_assessment
from app.services.content.sop_documents import import_sop_document
from tests.conftest import DATA
from tests.e2e.conftest import EMAILS, axe_violations

ENGLISH = DATA / "sops" / "evidence" / "en-scene-sop.md"
SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a folder to keep screenshots in, when set


@pytest.fixture
def with_sop(server):
    """A new draft of the demo unit on the latest checklist, the unit having imported an English scene SOP."""
    with server["app"].app_context():
        unit = db.session.scalar(db.select(Unit).where(Unit.code == "DEMO"))
        head = db.session.scalar(db.select(User).where(User.email == EMAILS["unit_head"]))
        if db.session.scalar(db.select(Sop).where(Sop.unit_id == unit.id, Sop.code == "SOP-EN")) is None:
            import_sop_document(unit, ENGLISH.read_bytes(), ENGLISH.name, code="SOP-EN", version="1")
        version = db.session.scalars(db.select(ChecklistVersion).order_by(ChecklistVersion.id.desc())).first()
        draft = create_assessment(
            unit=unit, version=version, title="Evidence in the browser", scope="onsite", user=head
        )
        db.session.commit()
        return draft.id


def test_choose_a_section_tick_two_requirements_cite_and_see_them_citing(signed_in, with_sop):
    page = signed_in("unit_head")
    page.goto(f"/assessments/{with_sop}/evidence")
    page.get_by_role("link", name="Evidence", exact=True).wait_for()
    page.locator(".sop-outline a", has_text="Contamination control").first.click()
    page.wait_for_url("**section=6.6**")
    boxes = page.locator("table.likely input[name=requirement]")
    assert boxes.count() >= 2
    chosen = [boxes.nth(i).get_attribute("value") for i in range(2)]
    for i in range(2):
        boxes.nth(i).check()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "evidence-page.png"), full_page=True)
    page.get_by_role("button", name="Cite this section on the chosen requirements").click()
    page.wait_for_load_state()
    flash = page.locator(".flash").first.inner_text()
    assert "SOP-EN § 6.6 is now cited on:" in flash and all(rid in flash for rid in chosen)
    citing = page.locator("ul.citing-list").inner_text()
    assert all(rid in citing for rid in chosen)
    current = page.locator(".sop-outline li.current .cite-count").inner_text()
    assert current.split()[0] == "2"
    for rid in chosen:  # ticked ones now say so, and offer no checkbox
        assert page.locator(f"input[name=requirement][value='{rid}']").count() == 0
    assert not axe_violations(page), "accessibility violations on the Evidence page"
    page.goto(f"/assessments/{with_sop}/evidence/map")
    assert "SOP-EN § 6.6" in page.locator("table.list").inner_text()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "evidence-map.png"), full_page=True)
