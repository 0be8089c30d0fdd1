"""Nothing typed is lost: the minutes across a session ending, the warning before the idle
limit, "Keep mine" on a card a colleague changed, a stance with its comment, a save queued
behind another, and a move that undoes work asking first."""

from __future__ import annotations

import re

from tests.e2e import stages
from tests.e2e.conftest import EMAILS, PASSWORD, first_held


def saved(page, form: str):
    page.locator(f"{form} [data-status]").filter(has_text="✓").wait_for(timeout=10000)


def sign_in(page):
    page.fill("input[name=email]", EMAILS["expert"])
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def end_sessions_by_idle_limit(server, page, then):
    """Run ``then`` while every session counts as idle for too long (as after an hour away)."""
    config = server["app"].config
    config["SESSION_IDLE_MINUTES"] = 0
    try:
        then()
    finally:
        config["SESSION_IDLE_MINUTES"] = 60


def test_minutes_typed_as_the_session_ends_are_offered_back_after_signing_in(server, signed_in):
    assessment_id = stages.in_review(server)
    page = signed_in("expert")
    url = f"/assessments/{assessment_id}/consultation"
    page.goto(url)
    page.fill("textarea[name='minutes']", "The unit presented its records procedure.")
    saved(page, "form[data-autosave]")

    def type_more():
        page.fill("textarea[name='minutes']", "The unit presented its records procedure. The expert asked for the log.")
        page.locator(".save-problem").filter(has_text="signed out").wait_for(timeout=10000)

    end_sessions_by_idle_limit(server, page, type_more)
    assert "signed out" in page.locator(".session-bar").inner_text()
    assert page.input_value("textarea[name='minutes']").endswith("asked for the log.")
    page.close()  # the expert closes the tab and comes back later

    back = page.context.new_page()  # the same browser: its storage is kept
    back.goto(url)
    assert "/login" in back.url
    sign_in(back)
    back.wait_for_url(f"**{url}")
    offer = back.locator(".draft-offer")
    offer.wait_for(timeout=10000)
    assert re.search(r"A draft you typed at \d\d:\d\d is kept in this browser \(Minutes", offer.inner_text())
    offer.get_by_role("button", name="Restore").click()
    saved(back, "form[data-autosave]")
    assert stages.consultation(server, assessment_id).minutes.endswith("The expert asked for the log.")
    back.reload()
    assert back.locator(".draft-offer").count() == 0  # saved: the draft is gone


def test_signing_in_again_in_a_new_tab_saves_what_waited(server, signed_in):
    assessment_id = stages.in_review(server)
    page = signed_in("expert")
    page.goto(f"/assessments/{assessment_id}/consultation")

    def type_it():
        page.fill("textarea[name='minutes']", "Typed while signed out.")
        page.locator(".save-problem").filter(has_text="signed out").wait_for(timeout=10000)

    end_sessions_by_idle_limit(server, page, type_it)
    with page.context.expect_page() as opened:
        page.locator(".save-problem").get_by_role("link", name="Sign in (opens a new tab)").click()
    tab = opened.value
    tab.wait_for_load_state()
    sign_in(tab)
    tab.get_by_text("You are signed in again").wait_for(timeout=10000)
    page.bring_to_front()
    page.locator(".session-bar").get_by_role("button", name="I have signed in: save now").click()
    saved(page, "form[data-autosave]")
    assert stages.consultation(server, assessment_id).minutes == "Typed while signed out."


def test_the_page_warns_before_the_idle_limit_and_stay_signed_in_keeps_the_session(server, signed_in):
    assessment_id = stages.in_review(server)
    page = signed_in("expert")
    page.clock.install()
    page.goto(f"/assessments/{assessment_id}/consultation")
    page.clock.fast_forward("55:30")
    bar = page.locator(".session-bar")
    bar.filter(has_text="You will be signed out in 5 minutes").wait_for(timeout=10000)
    assert bar.get_attribute("role") == "alert"
    with page.expect_response("**/session/alive") as answer:
        bar.get_by_role("button", name="Stay signed in").click()
    assert answer.value.ok
    bar.wait_for(state="hidden", timeout=10000)


def test_typing_keeps_the_session_alive_at_most_once_a_minute(server, signed_in):
    assessment_id = stages.in_review(server)
    page = signed_in("expert")
    page.clock.install()
    page.goto(f"/assessments/{assessment_id}/consultation")
    alive = []
    page.on("request", lambda request: alive.append(request.url) if "/session/alive" in request.url else None)
    page.fill("input[name='place']", "Police Directorate")
    assert not alive  # the page was loaded a moment ago: that was activity enough
    page.clock.fast_forward("01:01")
    with page.expect_request("**/session/alive"):
        page.fill("input[name='place']", "Police Directorate, room 2")
    page.fill("input[name='place']", "Police Directorate, room 3")
    assert len(alive) == 1


def test_keep_mine_sends_only_what_the_person_changed(server, signed_in):
    assessment_id = stages.draft(server)
    ana, luka = signed_in("unit_head"), signed_in("assessor")
    for page in (ana, luka):
        page.goto(stages.card_page(server, assessment_id, "GOV-06"))
    card = "#req-GOV-06 form.layer-self"
    luka.locator("#req-GOV-06 label.pick-2").click()
    luka.select_option("select[name='GOV-06-citations-0-sop_id']", index=2)
    luka.fill("input[name='GOV-06-citations-0-section']", "4.1")
    saved(luka, card)
    luka_citation = stages.stored(server, assessment_id, "GOV-06").citations
    assert [c.section for c in luka_citation] == ["4.1"]

    ana.fill("textarea[name='GOV-06-evidence_note']", "Ana's note: the register lists the SOP.")  # a stale page
    theirs = ana.locator("#req-GOV-06 .theirs")
    theirs.wait_for(timeout=10000)
    theirs.get_by_role("button", name="Keep mine").click()
    saved(ana, card)
    stored = stages.stored(server, assessment_id, "GOV-06")
    assert stored.value == 2
    assert [(c.sop_id, c.section) for c in stored.citations] == [(luka_citation[0].sop_id, "4.1")]
    assert stored.evidence_note == "Ana's note: the register lists the SOP."
    assert ana.locator("#req-GOV-06 input[name='GOV-06-score']:checked").get_attribute("value") == "2"


def test_a_query_waits_for_its_comment_and_both_are_saved_together(server, signed_in):
    assessment_id = stages.in_review(server)
    page = signed_in("expert")
    page.goto(f"/assessments/{assessment_id}/score?section=GOV")
    sent = []
    page.on("request", lambda request: sent.append(request) if "/reviews/GOV-02" in request.url else None)
    card = "#req-GOV-02 form.layer-review"
    page.locator(card).get_by_label("Query").check()
    status = page.locator(f"{card} [data-status]")
    assert "saved with its comment" in status.inner_text()
    assert not sent and stages.stored(server, assessment_id, "GOV-02").review.stance is None
    page.fill("textarea[name='GOV-02-rv-comment']", "Which version of the SOP was approved?")
    saved(page, card)
    review = stages.stored(server, assessment_id, "GOV-02").review
    assert (review.stance, review.comment) == ("query", "Which version of the SOP was approved?")
    assert page.locator(f"{card} .error").count() == 0


def test_a_save_asked_for_while_another_is_on_its_way_is_sent_after_it_whatever_its_outcome(server, signed_in):
    assessment_id = stages.in_review(server)
    page = signed_in("expert")
    page.goto(stages.card_page(server, assessment_id, "GOV-04"))
    held = []

    def hold_the_first(route, request):
        if request.method == "POST" and not held:
            held.append(route)  # answered below, once more has been typed
        else:
            route.continue_()

    page.route("**/reviews/GOV-04", hold_the_first)
    card = "#req-GOV-04 form.layer-review"
    with page.expect_request("**/reviews/GOV-04"):
        page.fill("textarea[name='GOV-04-rv-comment']", "The log is kept")
    page.locator(card).get_by_label("Disagree").check()  # asked for while the first is on its way
    page.fill("textarea[name='GOV-04-rv-comment']", "The log is kept, but nobody signs it.")
    first_held(page, held).fulfill(status=500, body="the first save failed")
    saved(page, card)
    review = stages.stored(server, assessment_id, "GOV-04").review
    assert (review.stance, review.comment) == ("disagree", "The log is kept, but nobody signs it.")


def test_return_for_rework_asks_first_and_the_minutes_are_saved_before_leaving(server, signed_in):
    assessment_id = stages.in_review(server)
    page = signed_in("expert")
    page.goto(f"/assessments/{assessment_id}/consultation")
    back = page.locator(".stage-panel").get_by_role("link", name=re.compile("Return to the unit for rework"))
    assert "primary" not in (back.get_attribute("class") or "")
    page.fill("textarea[name='minutes']", "Typed just before the click.")
    back.click()
    page.wait_for_url("**/move/return/confirm")
    assert stages.consultation(server, assessment_id).minutes == "Typed just before the click."
    page.get_by_role("link", name="Cancel, keep it as it is").click()
    page.wait_for_url(f"**/assessments/{assessment_id}")
    with server["app"].app_context():
        from app.extensions import db
        from app.models import Assessment

        assert db.session.get(Assessment, assessment_id).stage == "in_review"
