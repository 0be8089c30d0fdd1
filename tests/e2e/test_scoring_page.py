"""The cards page as people use it: fast keys, typing then leaving, two people on one card, N/A, reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Assessment, ChecklistRequirement, Response, Unit
from app.services.assessment.assessments import create_assessment
from app.services.content.checklists import latest_versions
from tests.e2e.stages import card_page


@pytest.fixture
def fresh(server):
    """A new self-assessment of the demo unit (core only), its id."""
    with server["app"].app_context():
        unit = db.session.scalar(db.select(Unit).where(Unit.code == "DEMO"))
        assessment = create_assessment(unit=unit, version=latest_versions()[0], title="Browser test", scope="onsite")
        db.session.commit()
        return assessment.id


def stored(server, assessment_id: int, code: str) -> Response:
    with server["app"].app_context():
        return db.session.scalar(
            db.select(Response)
            .join(ChecklistRequirement)
            .where(Response.assessment_id == assessment_id, ChecklistRequirement.code == code)
        )


def wait_saved(page, card):
    page.locator(f"#req-{card} .layer-self [data-status]").filter(has_text="✓").wait_for(timeout=10000)


def test_fast_arrow_keys_save_the_last_value_shown(signed_in, server, fresh):
    page = signed_in("unit_head")
    page.goto(f"/assessments/{fresh}/score?section=GOV")
    first = page.locator("#req-GOV-01 input[type=radio][value='0']")
    first.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowRight")
    wait_saved(page, "GOV-01")
    page.wait_for_timeout(600)
    shown = page.locator("#req-GOV-01 input[name='GOV-01-score']:checked").get_attribute("value")
    assert shown == "3"
    assert stored(server, fresh, "GOV-01").value == 3
    page.reload()
    assert page.locator("#req-GOV-01 input[name='GOV-01-score']:checked").get_attribute("value") == "3"


def test_number_keys_score_cards_and_j_moves_on(signed_in, server, fresh):
    page = signed_in("unit_head")
    page.goto(f"/assessments/{fresh}/score?section=GOV")
    following = page.locator("article.req").nth(1).get_attribute("data-req")  # cards keep reading order
    page.locator("#req-GOV-01 input[type=radio][value='0']").focus()
    page.keyboard.press("2")
    page.keyboard.press("j")
    page.keyboard.press("1")
    wait_saved(page, following)
    wait_saved(page, "GOV-01")
    assert (stored(server, fresh, "GOV-01").value, stored(server, fresh, following).value) == (2, 1)


def test_j_on_a_pages_last_card_goes_on_to_the_next_page_and_k_comes_back(signed_in, server, fresh):
    page = signed_in("unit_head")
    page.goto(f"/assessments/{fresh}/score?section=GOV")
    last = page.locator("article.req").last
    last.locator("input[type=radio]").first.focus()
    page.keyboard.press("j")
    page.wait_for_url("**page=2**")
    first = page.locator("article.req").first.get_attribute("data-req")
    page.wait_for_function("document.activeElement && document.activeElement.closest('article.req')")
    assert page.evaluate("document.activeElement.closest('article.req').dataset.req") == first
    page.keyboard.press("2")  # the keys go on working on the new page's first card
    wait_saved(page, first)
    assert stored(server, fresh, first).value == 2
    page.keyboard.press("k")
    page.wait_for_url(lambda url: "page=2" not in url)
    page.wait_for_function("document.activeElement && document.activeElement.closest('article.req')")
    focused = page.evaluate("document.activeElement.closest('article.req').dataset.req")
    assert focused == page.locator("article.req").last.get_attribute("data-req")


def test_a_note_typed_then_next_section_is_not_lost(signed_in, server, fresh):
    page = signed_in("assessor")
    page.goto(card_page(server, fresh, "GOV-09"))  # the section's last page: its way on is the next section
    page.fill("textarea[name='GOV-09-evidence_note']", "Typed just before leaving")
    page.click("a.button[data-leave]")
    page.wait_for_url("**section=MGT**")
    assert stored(server, fresh, "GOV-09").evidence_note == "Typed just before leaving"


def test_not_applicable_shows_no_error_before_the_justification_is_typed(signed_in, server, fresh):
    page = signed_in("unit_head")
    page.goto(f"/assessments/{fresh}/score?section=GOV")
    page.locator("#req-GOV-02 label.pick-na").click()
    page.wait_for_timeout(1200)
    card = page.locator("#req-GOV-02")
    assert card.locator(".error").count() == 0
    assert "Say why" in card.locator(".layer-self [data-status]").inner_text()
    card.locator("textarea[name='GOV-02-na_justification']").fill("The unit has no such duty in law.")
    wait_saved(page, "GOV-02")
    response = stored(server, fresh, "GOV-02")
    assert response.not_applicable and response.na_justification == "The unit has no such duty in law."


def test_two_people_on_one_card_get_a_conflict_showing_the_other_values(signed_in, server, fresh):
    ana, luka = signed_in("unit_head"), signed_in("assessor")
    for page in (ana, luka):
        page.goto(card_page(server, fresh, "GOV-03"))
    ana.fill("textarea[name='GOV-03-evidence_note']", "Ana's note")
    wait_saved(ana, "GOV-03")
    luka.fill("textarea[name='GOV-03-evidence_note']", "Luka's note")
    theirs = luka.locator("#req-GOV-03 .theirs")
    theirs.wait_for(timeout=10000)
    assert "Ana's note" in theirs.inner_text()
    assert stored(server, fresh, "GOV-03").evidence_note == "Ana's note"
    theirs.get_by_role("button", name="Keep mine").click()
    wait_saved(luka, "GOV-03")
    assert stored(server, fresh, "GOV-03").evidence_note == "Luka's note"


def test_scores_survive_a_reload(signed_in, server, fresh):
    page = signed_in("unit_head")
    page.goto(f"/assessments/{fresh}/score?section=MGT")
    page.locator("#req-MGT-01 label.pick-1").click()
    page.fill("textarea[name='MGT-01-evidence_note']", "Quality manual section 2 names the principle only.")
    wait_saved(page, "MGT-01")
    page.wait_for_timeout(1500)
    page.reload()
    assert page.locator("input[name='MGT-01-score']:checked").get_attribute("value") == "1"
    assert "principle only" in page.locator("textarea[name='MGT-01-evidence_note']").input_value()
    with server["app"].app_context():
        assert db.session.get(Assessment, fresh).stage == "self_assessment"


def test_a_conflict_on_other_fields_is_merged_without_writing_a_field_you_did_not_see(signed_in, server, fresh):
    ana, luka = signed_in("unit_head"), signed_in("assessor")
    for page in (ana, luka):
        page.goto(card_page(server, fresh, "GOV-04"))
    ana.fill("textarea[name='GOV-04-evidence_note']", "Ana's note on the code of conduct")
    wait_saved(ana, "GOV-04")
    luka.locator("#req-GOV-04 label.pick-2").click()  # Luka changes the score only, on an old version
    theirs = luka.locator("#req-GOV-04 .theirs")
    theirs.wait_for(timeout=10000)
    rows = theirs.locator("tr")
    assert rows.count() == 2  # the score and the note differ
    note_row = rows.filter(has_text="Note")
    assert note_row.locator("input[value='theirs']").is_checked()  # Luka never touched the note
    assert rows.filter(has_text="Score").locator("input[value='mine']").is_checked()
    theirs.get_by_role("button", name="Save these choices").click()
    wait_saved(luka, "GOV-04")
    response = stored(server, fresh, "GOV-04")
    assert (response.value, response.evidence_note) == (2, "Ana's note on the code of conduct")
    assert luka.locator("textarea[name='GOV-04-evidence_note']").input_value() == "Ana's note on the code of conduct"


def test_take_theirs_fills_in_their_values_and_saves_nothing(signed_in, server, fresh):
    ana, luka = signed_in("unit_head"), signed_in("assessor")
    for page in (ana, luka):
        page.goto(card_page(server, fresh, "GOV-05"))
    ana.locator("#req-GOV-05 label.pick-3").click()
    wait_saved(ana, "GOV-05")
    luka.locator("#req-GOV-05 label.pick-0").click()
    theirs = luka.locator("#req-GOV-05 .theirs")
    theirs.wait_for(timeout=10000)
    theirs.get_by_role("button", name="Take theirs").click()
    assert luka.locator("input[name='GOV-05-score']:checked").get_attribute("value") == "3"
    assert stored(server, fresh, "GOV-05").value == 3 and stored(server, fresh, "GOV-05").version == 2


def test_working_through_a_list_the_next_page_goes_on_from_the_last_card_skipping_none(signed_in, server, fresh):
    page = signed_in("unit_head")
    page.goto(f"/assessments/{fresh}/score?filter=unassessed")
    cards = page.locator("article.req")
    shown = [cards.nth(i).get_attribute("data-req") for i in range(cards.count())]
    assert len(shown) == 6
    for card in shown[:2]:  # scored on the page: they leave "Not yet assessed"
        page.locator(f"#req-{card} input[type=radio][value='0']").focus()
        page.keyboard.press("2")
        wait_saved(page, card)
    cards.last.locator("input[type=radio]").first.focus()
    page.keyboard.press("j")  # on the last card: the next page
    page.wait_for_url(f"**after={shown[-1]}**")
    following = page.locator("article.req").first.get_attribute("data-req")
    assert following not in shown
    page.locator("nav.pager").get_by_role("link", name="← Previous").click()
    page.wait_for_url(f"**before={following}**")
    expect(cards).to_have_count(4)
    assert [cards.nth(i).get_attribute("data-req") for i in range(cards.count())] == shown[2:]  # none skipped
