"""An upgraded draft re-checked as a unit head would: each card shows the earlier wording beside the
new, H confirms it ("Still holds") and moves on, and the draft then finalises."""

from __future__ import annotations

import pytest

from app.domain.loader import load_checklist_file
from app.extensions import db
from app.models import Assessment, ChecklistVersion, Response, Unit, User
from app.services.assessment.assessments import create_assessment
from app.services.assessment.upgrades import upgrade_assessment
from app.services.content.checklists import store_checklist
from tests.conftest import DATA
from tests.e2e.conftest import EMAILS, axe_violations

CHECKLISTS = DATA.parent.parent / "checklists"
#: 1.0.0 requirements answered before the upgrade: reworded, split (GOV-04) and merged ones among them.
ANSWERED = ("GOV-01", "GOV-02", "GOV-04", "GOV-07", "MGT-01", "MGT-04")


@pytest.fixture
def upgraded(server):
    """A 1.0.0 self-assessment of the demo unit with a few answers, upgraded to 2.0.0; its id and cards to re-check."""
    with server["app"].app_context():
        first = db.session.scalar(db.select(ChecklistVersion).where(ChecklistVersion.version == "1.0.0"))
        if first is None:
            checklist, text = load_checklist_file(CHECKLISTS / "csi-sop-enfsi-1.0.0.yaml")
            store_checklist(checklist, text, "csi-sop-enfsi-1.0.0.yaml")
            first = db.session.scalar(db.select(ChecklistVersion).where(ChecklistVersion.version == "1.0.0"))
        second = db.session.scalar(db.select(ChecklistVersion).where(ChecklistVersion.version == "2.0.0"))
        unit = db.session.scalar(db.select(Unit).where(Unit.code == "DEMO"))
        head = db.session.scalar(db.select(User).where(User.email == EMAILS["unit_head"]))
        earlier = create_assessment(unit=unit, version=first, title="Before the upgrade", scope="onsite", user=head)
        for response in earlier.responses:
            if response.requirement.code in ANSWERED:
                response.value, response.basis, response.evidence_note = 2, "sop_text", "QM-01 s. 4 covers most of it."
        db.session.commit()
        new, plan = upgrade_assessment(earlier, second, head, title="After the upgrade")
        db.session.commit()
        return new.id, [c.requirement_id for c in plan.to_recheck]


def flagged(server, assessment_id: int) -> list[str]:
    with server["app"].app_context():
        return list(
            db.session.scalars(
                db.select(Response.id).where(Response.assessment_id == assessment_id, Response.recheck.is_(True))
            )
        )


def test_an_upgraded_draft_is_rechecked_with_still_holds_and_finalised(signed_in, server, upgraded):
    assessment_id, to_recheck = upgraded
    assert len(to_recheck) > 6  # more than a page: the keys go on to the next
    page = signed_in("unit_head")
    page.goto(f"/assessments/{assessment_id}/score?filter=recheck")
    cards = page.locator("article.req")
    shown = [cards.nth(i).get_attribute("data-req") for i in range(cards.count())]
    assert shown == to_recheck[:6]  # most changed first, a page of six
    first = page.locator(f"#req-{to_recheck[0]}")
    assert first.locator("details.wording[open]").count() == 1
    assert first.locator(".wording-side").nth(0).inner_text().startswith("Version 1.0.0")
    assert not axe_violations(page)

    first.locator("form[data-still-holds] button").focus()
    for done, rid in enumerate(to_recheck, start=1):
        if rid not in shown:  # the page's last card confirmed: "Next" has the focus, and goes on
            assert page.evaluate("document.activeElement.rel") == "next"
            page.keyboard.press("Enter")
            page.wait_for_url(f"**after={shown[-1]}#first-card")
            shown = [cards.nth(i).get_attribute("data-req") for i in range(cards.count())]
            assert shown[0] == rid
            page.wait_for_function("document.activeElement && document.activeElement.closest('article.req')")
        page.keyboard.press("h")
        status = page.locator(f"#req-{rid} [data-confirm-status]")
        status.filter(has_text="still holds").wait_for(timeout=10000)
        assert f"{len(to_recheck) - done} carried answer" in status.inner_text()
        assert page.locator(f"#req-{rid} .tag-recheck").count() == 0
    assert flagged(server, assessment_id) == []

    # The card's own form took the new version: a change saves without a conflict.
    card = page.locator(f"#req-{to_recheck[-1]}")
    card.locator("textarea[name$='-evidence_note']").fill("Checked against 2.0.0: still holds.")
    card.locator("[data-status]").filter(has_text="✓").wait_for(timeout=10000)

    page.goto(f"/assessments/{assessment_id}/finalise")
    page.locator("form[action$='/move/finalise'] button[type=submit]").click()
    page.wait_for_url(f"**/assessments/{assessment_id}")
    with server["app"].app_context():
        assert db.session.get(Assessment, assessment_id).stage == "finalised"


def test_still_holds_posts_without_javascript(browser, server, upgraded):
    assessment_id, to_recheck = upgraded
    context = browser.new_context(base_url=server["url"], java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=email]", EMAILS["unit_head"])
        page.fill("input[name=password]", "e2e password for everyone")
        page.click("main button[type=submit]")
        page.goto(f"/assessments/{assessment_id}/score?filter=recheck")
        page.locator(f"#req-{to_recheck[0]} form[data-still-holds] button").click()
        assert f"{to_recheck[0]}: the carried answer still holds." in page.locator(".flash-success").inner_text()
        assert page.locator(f"#req-{to_recheck[0]}").count() == 0  # off the list of cards to re-check
    finally:
        context.close()
