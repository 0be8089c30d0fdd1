"""Every refused save says what to do, keeps the input and leaves navigation working: on the
scoring page (the unit's layer), the expert's review and the consultation record.

Real where it can be (signed out in another browser, a lost form token, the stage moved on
by another person, a conflicting edit, a field too long, an address that is not there or not
one's own); the network's and proxies' failures through Playwright's routing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from app.domain.workflow import Move
from tests.e2e import stages


@dataclass(frozen=True)
class Surface:
    """Where a person types and what the page shows about that form."""

    role: str
    path: str  # with {id}
    field: str  # a text field of the form
    form: str  # the form
    saves: str  # glob of the save address


SURFACES = {
    "scoring": Surface(
        "unit_head",
        "/assessments/{id}/score?section=GOV",
        "textarea[name='GOV-02-evidence_note']",
        "#req-GOV-02 form.layer-self",
        "**/responses/GOV-02",
    ),
    "review": Surface(
        "expert",
        "/assessments/{id}/score?section=GOV",
        "textarea[name='GOV-02-rv-comment']",
        "#req-GOV-02 form.layer-review",
        "**/reviews/GOV-02",
    ),
    "consultation": Surface(
        "expert", "/assessments/{id}/consultation", "textarea[name='minutes']", "form[data-autosave]", "**/consultation"
    ),
}


@pytest.fixture(params=list(SURFACES))
def surface(request, server, signed_in):
    """A signed-in page of a fresh assessment at the stage the form is open in."""
    where = SURFACES[request.param]
    assessment_id = stages.draft(server) if request.param == "scoring" else stages.in_review(server)
    page = signed_in(where.role)
    page.goto(where.path.format(id=assessment_id))
    return request.param, where, page, assessment_id


def problem(page, where: Surface):
    return page.locator(f"{where.form} .save-problem[role=alert]")


def saved(page, where: Surface):
    page.locator(f"{where.form} [data-status]").filter(has_text="✓").wait_for(timeout=10000)


def only_posts(handler):
    """A route handler for the save address that lets the page's own GET through."""

    def route(route, request):
        if request.method != "POST":
            route.continue_()
            return
        handler(route, request)

    return route


FAILURES = {
    # a proxy's page: no JSON, the page says it in its own words
    "too_large": (
        lambda route: route.fulfill(status=413, body="<html><h1>413 Request Entity Too Large</h1></html>"),
        "more than the server takes at once",
    ),
    "throttled": (
        lambda route: route.fulfill(
            status=429,
            json={
                "ok": False,
                "error": "throttled",
                "message": "Too many requests at once, so this was not done. Your input is kept; try again in 1 minute.",
                "retry_after": 60,
            },
        ),
        "try again in 1 minute",
    ),
    "server_error": (
        lambda route: route.fulfill(status=500, body="Internal Server Error"),
        "something went wrong on the server",
    ),
    "no_answer": (lambda route: route.abort(), "the server did not answer"),
    "gateway": (
        lambda route: route.fulfill(status=502, body="<html>Bad Gateway</html>"),
        "something went wrong on the server",
    ),
}


def test_each_failure_of_the_network_or_a_proxy_is_said_and_the_input_kept(surface):
    _name, where, page, _assessment_id = surface
    for case, (answer, says) in FAILURES.items():
        page.route(where.saves, only_posts(lambda route, request, answer=answer: answer(route)))
        typed = f"Typed before the {case} answer."
        page.fill(where.field, typed)
        shown = problem(page, where).filter(has_text=re.compile(says, re.IGNORECASE))
        shown.wait_for(timeout=10000)
        assert "kept" in shown.inner_text(), case
        assert page.input_value(where.field) == typed, case
        page.unroute(where.saves)
    page.locator(where.form).get_by_role("button", name="Save again").click()
    saved(page, where)
    assert problem(page, where).count() == 0


def test_signed_out_in_another_browser_the_page_says_so_keeps_the_input_and_offers_sign_in(surface, signed_in):
    _name, where, page, _assessment_id = surface
    elsewhere = signed_in(where.role)
    elsewhere.locator("form[action='/logout'] button").click()  # signing out ends every session of the account
    page.fill(where.field, "Typed after the session ended.")
    shown = problem(page, where)
    shown.wait_for(timeout=10000)
    assert "signed out" in shown.inner_text()
    link = shown.get_by_role("link", name="Sign in (opens a new tab)")
    assert link.get_attribute("target") == "_blank"
    assert page.locator(".session-bar[data-kind='ended']").is_visible()
    assert page.input_value(where.field) == "Typed after the session ended."


def test_a_lost_form_token_is_replaced_and_the_save_goes_through(surface, server):
    name, where, page, assessment_id = surface
    page.evaluate("document.querySelectorAll('input[name$=\"csrf_token\"]').forEach(i => i.value = 'gone')")
    page.fill(where.field, "Saved with a fresh token.")
    saved(page, where)
    if name == "consultation":
        assert stages.consultation(server, assessment_id).minutes == "Saved with a fresh token."
    elif name == "scoring":
        assert stages.stored(server, assessment_id, "GOV-02").evidence_note == "Saved with a fresh token."
    else:
        assert stages.stored(server, assessment_id, "GOV-02").review.comment == "Saved with a fresh token."


def test_a_lost_form_token_that_cannot_be_replaced_asks_for_a_reload(surface):
    _name, where, page, _assessment_id = surface
    page.route("**/session/status", lambda route: route.abort())
    page.evaluate("document.querySelectorAll('input[name$=\"csrf_token\"]').forEach(i => i.value = 'gone')")
    page.fill(where.field, "Kept while the token is gone.")
    shown = problem(page, where)
    shown.wait_for(timeout=10000)
    assert "security token" in shown.inner_text() and "kept" in shown.inner_text()
    assert page.input_value(where.field) == "Kept while the token is gone."


MOVED_ON = {
    "scoring": [(Move.SUBMIT, "unit_head")],
    "review": [(Move.RETURN, "expert")],
    "consultation": [(Move.RETURN, "expert")],
}


def test_another_person_moving_the_stage_on_is_said_and_the_input_kept(surface, server):
    name, where, page, assessment_id = surface
    stages.moved(server, assessment_id, *MOVED_ON[name])
    page.fill(where.field, "Typed after the stage moved.")
    shown = problem(page, where)
    shown.wait_for(timeout=10000)
    assert re.search(r"stage|moved", shown.inner_text()) and "kept" in shown.inner_text()
    assert page.input_value(where.field) == "Typed after the stage moved."


def test_an_address_that_is_not_there_or_not_ones_own_is_said(surface):
    name, where, page, assessment_id = surface
    form = page.locator(where.form)
    form.evaluate("f => f.action = '/assessments/999999/consultation'")
    page.fill(where.field, "Typed for a page that is gone.")
    problem(page, where).filter(has_text="no longer there").wait_for(timeout=10000)
    other = "reviews" if name == "scoring" else "responses"  # the other side's layer: the role may not
    form.evaluate(f"f => f.action = '/assessments/{assessment_id}/{other}/GOV-02'")
    page.fill(where.field, "Typed where my role may not write.")
    problem(page, where).filter(has_text="may not").wait_for(timeout=10000)
    assert page.input_value(where.field) == "Typed where my role may not write."


def test_a_field_the_server_refuses_is_marked_and_the_save_goes_through_once_fixed(surface):
    name, where, page, _assessment_id = surface
    if name == "consultation":
        page.fill("input[name='participants-1-role']", "Observer")  # a participant without a name
        bad = page.locator("fieldset.participants")
        page.locator(".save-problem").filter(has_text="check the highlighted fields").wait_for(timeout=10000)
        assert "needs a name" in bad.inner_text()
        page.fill("input[name='participants-1-name']", "Ivana Marić")
    else:
        page.locator(where.field).evaluate(
            "(el) => { el.value = 'x'.repeat(8001); el.dispatchEvent(new Event('input', {bubbles: true})); }"
        )
        page.locator(f"{where.form} .error").first.wait_for(timeout=10000)
        page.fill(where.field, "Short enough now.")
    saved(page, where)
    assert page.locator(f"{where.form} .js-error").count() == 0


def test_the_section_links_still_lead_on_after_a_refusal(server, signed_in):
    assessment_id = stages.draft(server)
    page = signed_in("unit_head")
    page.goto(f"/assessments/{assessment_id}/score?section=GOV")
    page.route("**/responses/GOV-02", only_posts(lambda route, request: route.fulfill(status=500, body="boom")))
    page.fill("textarea[name='GOV-02-evidence_note']", "Not saved, but the person must be able to leave.")
    page.locator("#req-GOV-02 .save-problem").wait_for(timeout=10000)
    link = page.locator("nav.sections a").nth(1)
    link.click()
    assert "section=GOV" in page.url  # first: it tries to save, and says what is not saved
    page.locator("#live-alert").filter(has_text="GOV-02").wait_for(timeout=10000)
    link.click()
    page.wait_for_url(re.compile(r"section=(?!GOV)"))


def test_a_busy_database_is_said_and_the_save_sent_again_by_itself(server, signed_in):
    assessment_id = stages.draft(server)
    page = signed_in("unit_head")
    page.goto(f"/assessments/{assessment_id}/score?section=GOV")
    answered = []

    def busy_once(route, request):
        if answered:
            route.continue_()
            return
        answered.append(request)
        route.fulfill(
            status=409,
            json={
                "ok": False,
                "error": "busy",
                "message": "The database was busy, so this was not saved. Your input is kept; it is saved again in a moment.",
            },
        )

    page.route("**/responses/GOV-02", only_posts(busy_once))
    page.fill("textarea[name='GOV-02-evidence_note']", "Saved on the second try.")
    page.locator("#req-GOV-02 .save-problem").filter(has_text="busy").wait_for(timeout=10000)
    saved(page, SURFACES["scoring"])
    assert page.locator("#req-GOV-02 .save-problem").count() == 0
    assert stages.stored(server, assessment_id, "GOV-02").evidence_note == "Saved on the second try."
