"""Ticking a requirement's elements with the keyboard: the card says the level they give, the score
follows, and picking another level asks why before it saves."""

from __future__ import annotations

import pytest

from app.domain.checklist import level_from_elements
from app.extensions import db
from app.models import Assessment, Response, Unit, User
from app.services.assessment.assessments import create_assessment
from app.services.content.checklists import checklist_of, latest_versions
from tests.e2e import stages
from tests.e2e.conftest import EMAILS, axe_violations


@pytest.fixture
def fresh(server):
    """A new self-assessment of the demo unit on the newest checklist (with elements); its id and first card."""
    with server["app"].app_context():
        version = next(v for v in latest_versions() if checklist_of(v).level_rule)
        unit = db.session.scalar(db.select(Unit).where(Unit.code == "DEMO"))
        head = db.session.scalar(db.select(User).where(User.email == EMAILS["unit_head"]))
        assessment = create_assessment(
            unit=unit, version=version, title="Ticking the elements", scope="onsite", user=head
        )
        db.session.commit()
        checklist = checklist_of(version)
        req = next(r for r in checklist.requirements(assessment.modules) if r.elements)
        labels = {level.value: f"{level.value} {level.label}" for level in checklist.scale}
        return assessment.id, req, labels


def stored(server, assessment_id: int, rid: str) -> Response:
    with server["app"].app_context():
        assessment = db.session.get(Assessment, assessment_id)
        response = next(r for r in assessment.responses if r.requirement.code == rid)
        db.session.expunge(response)
        return response


def test_ticking_elements_with_the_keyboard_proposes_the_level_and_asks_why_for_another(signed_in, server, fresh):
    assessment_id, req, labels = fresh
    rid, count = req.id, len(req.elements)
    page = signed_in("unit_head")
    page.goto(stages.card_page(server, assessment_id, rid))
    card = page.locator(f"#req-{rid}")
    form = card.locator("form.layer-self")
    boxes = form.locator("input[data-multi]")
    assert boxes.count() == count
    line = form.locator("[data-ticks-give]")
    reason = form.locator(".level-reason")
    assert line.is_hidden() and reason.is_hidden()

    # The first element, by the keyboard: the line says what it gives and the score follows.
    boxes.nth(0).focus()
    page.keyboard.press("Space")
    first = level_from_elements(req.elements, {0})
    line.filter(has_text=f"The elements ticked give: {labels[first]}").wait_for(timeout=5000)
    assert form.locator(f"input[name='{rid}-score'][value='{first}']").is_checked()
    assert reason.is_hidden()

    # Every element, tabbing from box to box: 3, saved with the ticks.
    for _i in range(1, count):
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
    line.filter(has_text=f"The elements ticked give: {labels[3]}").wait_for(timeout=5000)
    assert form.locator(f"input[name='{rid}-score'][value='3']").is_checked()
    form.locator("[data-status]").filter(has_text="✓").wait_for(timeout=10000)
    saved = stored(server, assessment_id, rid)
    assert (saved.ticks, saved.value) == (list(range(count)), 3)

    # Another level, by its key: the reason field appears and the card waits for the reason.
    page.keyboard.press("2")
    assert form.locator(f"input[name='{rid}-score'][value='2']").is_checked()
    reason.wait_for(state="visible", timeout=5000)
    form.locator("[data-status]").filter(has_text="say why").wait_for(timeout=5000)
    assert stored(server, assessment_id, rid).value == 3  # nothing saved without the reason
    reason.locator("textarea").fill("The records are not kept for the full period.")
    form.locator("[data-status]").filter(has_text="✓").wait_for(timeout=10000)
    saved = stored(server, assessment_id, rid)
    assert (saved.value, saved.ticks, saved.level_reason) == (
        2,
        list(range(count)),
        "The records are not kept for the full period.",
    )

    # The ticks no longer move the score the person chose; the line still says what they give.
    boxes.nth(count - 1).focus()
    page.keyboard.press("Space")
    fewer = labels[level_from_elements(req.elements, range(count - 1))]
    line.filter(has_text=f"The elements ticked give: {fewer}").wait_for(timeout=5000)
    assert form.locator(f"input[name='{rid}-score'][value='2']").is_checked()
    assert not axe_violations(page)


def test_the_expert_ticks_in_their_own_layer(signed_in, server):
    with server["app"].app_context():
        assessment = db.session.scalar(db.select(Assessment).where(Assessment.stage == "consultation_held"))
        if assessment is None:
            pytest.skip("the demo has no assessment at the consultation")
        checklist = checklist_of(assessment.checklist_version)
        req = next(r for r in checklist.requirements(assessment.modules) if r.elements)
        assessment_id, rid, count = assessment.id, req.id, len(req.elements)
    page = signed_in("expert")
    page.goto(stages.card_page(server, assessment_id, rid))
    form = page.locator(f"#req-{rid} form.layer-review")
    boxes = form.locator("input[data-multi]")
    assert boxes.count() == count
    for i in range(count):
        if not boxes.nth(i).is_checked():
            boxes.nth(i).focus()
            page.keyboard.press("Space")
    form.locator("[data-ticks-give]").filter(has_text="The elements ticked give: 3").wait_for(timeout=5000)
    assert form.locator(f"input[name='{rid}-rv-score'][value='3']").is_checked()
    form.locator("[data-status]").filter(has_text="✓").wait_for(timeout=10000)
    with server["app"].app_context():
        review = next(
            r for r in db.session.get(Assessment, assessment_id).responses if r.requirement.code == rid
        ).review
        assert (review.ticks, review.value) == (list(range(count)), 3)
