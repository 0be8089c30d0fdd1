"""A card's "What each level looks like" and its guidance come when opened: "Loading…" while they
come, the text once there, and a sentence with a link to their own page when they cannot come."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e import stages
from tests.e2e.conftest import axe_violations, first_held

DEMO = 1  # the demo assessment (consultation held)
#: REC-02's level 1 in English (checklists/csi-sop-enfsi.yaml).
LEVEL_1 = "The SOP asks for a description of the scene but lists no elements"


def test_opening_what_each_level_looks_like_shows_loading_then_the_levels(signed_in):
    page = signed_in("assessor")
    page.goto(f"/assessments/{DEMO}/score?section=REC")
    levels = page.locator("#req-REC-02 details.anchors")
    assert LEVEL_1 not in page.content()
    held = []
    page.route("**/anchors/REC-02", lambda route: held.append(route))  # hold the answer, to see the page wait for it
    levels.locator("summary").click()
    expect(levels.locator(".on-demand")).to_have_text("Loading…")
    first_held(page, held).continue_()
    expect(levels.locator("dl")).to_contain_text(LEVEL_1)
    expect(levels.locator("dt").first).to_have_text("1 · Partially addressed")
    expect(levels.locator(".on-demand")).to_have_count(0)
    levels.locator("summary").click()  # closed and opened again: still there, not fetched twice
    levels.locator("summary").click()
    expect(levels.locator("dl")).to_have_count(1)
    guidance = page.locator("#req-REC-02 details.guidance")
    guidance.locator("summary").click()
    expect(guidance).to_contain_text("Typical evidence")
    assert not axe_violations(page)


def test_a_part_that_cannot_come_says_so_with_a_link_and_the_page_stays_usable(signed_in):
    page = signed_in("unit_head")
    page.goto(f"/assessments/{DEMO}/score?section=REC")
    page.route("**/guidance/REC-03", lambda route: route.abort())  # the network fails for this one
    page.route("**/anchors/REC-03", lambda route: route.fulfill(status=500, body="Internal Server Error"))
    guidance = page.locator("#req-REC-03 details.guidance")
    guidance.locator("summary").click()
    failed = guidance.locator(".on-demand.failed")
    expect(failed).to_contain_text("This could not be loaded.")
    link = failed.get_by_role("link", name="Open it on its own page")
    expect(link).to_have_attribute("href", f"/assessments/{DEMO}/guidance/REC-03")
    levels = page.locator("#req-REC-03 details.anchors")
    levels.locator("summary").click()
    expect(levels.locator(".on-demand.failed")).to_contain_text("This could not be loaded.")
    assert "Internal Server Error" not in levels.inner_text()

    other = page.locator("article.req:not(#req-REC-03) details.anchors").first  # the rest of the page works as before
    other.locator("summary").click()
    expect(other.locator("dl")).to_be_visible()

    page.unroute("**/guidance/REC-03")  # the network is back: closing and opening again tries again
    guidance.locator("summary").click()
    guidance.locator("summary").click()
    expect(guidance).to_contain_text("Typical evidence")
    expect(guidance.locator(".on-demand")).to_have_count(0)

    page.unroute("**/anchors/REC-03")
    levels.get_by_role("link", name="Open it on its own page").click()  # the link opens the levels on their own page
    page.wait_for_url(f"**/assessments/{DEMO}/anchors/REC-03")
    expect(page.locator("main h2")).to_have_text("What each level looks like")
    expect(page.locator("main dl")).to_be_visible()
    assert not axe_violations(page)


def test_the_checklists_recommendation_comes_under_a_card_once_its_gap_is_saved(signed_in, server):
    assessment_id = stages.draft(server, title="Browser test: recommendation")
    page = signed_in("unit_head")
    page.goto(f"/assessments/{assessment_id}/score?section=GOV")
    card = page.locator("#req-GOV-01")
    assert card.locator("[data-rec]").count() == 0  # not in the page until it applies
    card.locator("label.pick-1").click()
    hint = card.locator("form.layer-self [data-rec]")
    expect(hint).to_be_visible(timeout=10000)
    expect(hint).to_contain_text("Checklist recommendation for this level: Cite the founding act")
    card.locator("label.pick-3").click()
    expect(hint).to_be_hidden(timeout=10000)
    assert stages.stored(server, assessment_id, "GOV-01").value == 3
