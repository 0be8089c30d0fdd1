"""A regional programme in the browser: setting it up, its refusals, and its pages for axe.

The session's server holds the single demo unit; this module adds a programme around it, with
programme staff and a round, through the app itself.
"""

from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Programme, Round, Unit, User
from tests.e2e.conftest import PASSWORD, axe_violations

STAFF = "staff@e2e.example"


@pytest.fixture(scope="module")
def programme(server):
    """A programme with the demo unit, programme staff and round 2026 (made once)."""
    with server["app"].app_context():
        found = db.session.scalar(db.select(Programme).where(Programme.name == "Western Balkans (e2e)"))
        if found is None:
            staff = User(email=STAFF, name="Programme officer", role="programme_staff")
            staff.password_hash = generate_password_hash(PASSWORD)
            unit = db.session.scalar(db.select(Unit).where(Unit.code == "DEMO"))
            found = Programme(name="Western Balkans (e2e)", units=[unit], members=[staff], rounds=[Round(label="2026")])
            db.session.add(found)
            db.session.commit()
        return {"id": found.id, "round": found.rounds[0].id}


def _staff_page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server["url"], bypass_csp=True)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=email]", STAFF)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def test_a_round_that_exists_is_refused_on_the_page_with_the_label_kept(signed_in, programme):
    page = signed_in("admin")
    page.goto(f"/programmes/{programme['id']}")
    page.fill("input[name='round-label']", "2026")
    page.click("text=Open a round")
    assert "has a round '2026' already" in page.inner_text("main")
    assert page.input_value("input[name='round-label']") == "2026"  # nothing typed is lost
    page.fill("input[name='round-label']", "2027")
    page.click("text=Open a round")
    page.wait_for_url("**/rounds/*")
    assert "Round 2027" in page.inner_text("h1")
    page.click("nav >> text=Programmes")  # the page stays usable
    assert "Western Balkans (e2e)" in page.inner_text("main")


def test_programme_staff_are_told_why_an_anonymised_data_set_of_one_unit_is_refused(browser, server, programme):
    context, page = _staff_page(browser, server)
    try:
        page.goto(f"/rounds/{programme['round']}")
        page.click("text=Data set (CSV, anonymised)")
        page.wait_for_load_state()
        assert f"/rounds/{programme['round']}" in page.url
        assert "nearly a name" in page.inner_text("main")
    finally:
        context.close()


def test_a_unit_head_never_reaches_the_programme(signed_in, programme):
    page = signed_in("unit_head")
    assert "Programmes" not in page.inner_text("nav")
    response = page.goto(f"/rounds/{programme['round']}/regional")
    assert response.status == 404
    assert "Dashboard" in page.inner_text("nav")


@pytest.mark.parametrize("path", ["/programmes", "/programmes/{id}", "/rounds/{round}", "/rounds/{round}/regional"])
def test_the_programme_pages_pass_axe(browser, server, programme, path):
    context, page = _staff_page(browser, server)
    try:
        page.goto(path.format(**programme))
        violations = axe_violations(page)
        assert not violations, [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    finally:
        context.close()
