"""A light scoring page in the browser: a section six cards at a time with its way on, the unit's
register named in full once and offered on every citation row, the scripts' texts from their
own script, and the same citation made without JavaScript."""

from __future__ import annotations

from playwright.sync_api import expect

from app.extensions import db
from app.models import Assessment, Sop, Unit
from app.services.assessment.assessments import score_sheet
from app.services.assessment.responses import ResponseInput, save_response
from app.services.content.sops import natural_key
from tests.e2e import stages
from tests.e2e.conftest import EMAILS, PASSWORD, axe_violations

DEMO = 1  # the demo assessment (consultation held)


def register(server) -> list[tuple[int, str]]:
    """The demo unit's documents as a citation names them: (id, "code · title (vN)"), in the page's order."""
    with server["app"].app_context():
        unit = db.session.scalar(db.select(Unit).where(Unit.code == "DEMO"))
        sops = sorted(db.session.scalars(db.select(Sop).where(Sop.unit_id == unit.id)), key=natural_key)
        return [(s.id, f"{s.code} · {s.title} (v{s.version})") for s in sops]


def cited(server, title: str, code: str, sop_id: int) -> int:
    """A fresh self-assessment whose requirement ``code`` cites document ``sop_id``, § 4.2."""
    assessment_id = stages.draft(server, title)
    with server["app"].app_context():
        sheet = score_sheet(db.session.get(Assessment, assessment_id))
        data = ResponseInput(value=2, basis="sop_text", citations=[(sop_id, "4.2")])
        save_response(sheet, code, data, expected_version=sheet.responses[code].version, user=stages.user("unit_head"))
        db.session.commit()
    return assessment_id


def test_a_long_section_comes_six_cards_at_a_time_with_its_progress_and_the_way_on(signed_in):
    page = signed_in("unit_head")
    page.goto(f"/assessments/{DEMO}/score?section=REC")
    cards = page.locator("article.req")
    expect(cards).to_have_count(6)
    expect(page.locator("main h2")).to_contain_text("Recording the scene REC · Page 1 of 4")
    progress = page.locator("[data-progress=section] .progress-text").inner_text()
    assert page.locator("p.next").count() == 0  # the section goes on before the next one
    first_of_page_one = cards.first.get_attribute("data-req")
    page.locator("nav.pager").get_by_role("link", name="Next →").click()
    page.wait_for_url(lambda url: url.endswith("/score?section=REC&page=2"))
    expect(page.locator("main h2")).to_contain_text("Page 2 of 4")
    assert page.locator("[data-progress=section] .progress-text").inner_text() == progress  # the section's
    assert first_of_page_one not in [cards.nth(i).get_attribute("data-req") for i in range(cards.count())]
    assert page.evaluate("CSI.text('loading')") == "Loading…"  # the texts came, from their own script
    assert not axe_violations(page)
    page.goto(f"/assessments/{DEMO}/score?section=REC&page=4")
    expect(cards).to_have_count(4)
    expect(page.locator("p.next a.button")).to_have_text("Next section: Contamination control →")


def test_a_cited_row_offers_every_document_named_in_full_and_another_one_is_cited(signed_in, server):
    documents = register(server)
    (first_id, _), (other_id, other_name) = documents[0], documents[3]
    assessment_id = cited(server, "Browser test: documents", "GOV-02", first_id)
    sent = []
    page = signed_in("unit_head")
    page.on("request", lambda r: sent.append(r.url) if "/responses/" in r.url else None)
    address = stages.card_page(server, assessment_id, "GOV-02")
    assert page.request.get(address).text().count(other_name) == 1  # sent once, in the page's template
    page.goto(address)
    row, blank = (page.locator(f"select[name='GOV-02-citations-{n}-sop_id']") for n in (0, 1))
    names = [name for _, name in documents]
    for select in (row, blank):  # the page's template filled both: every document, named in full
        assert select.locator("option").all_inner_texts() == ["—", *names]
    assert row.input_value() == str(first_id) and blank.input_value() == ""
    assert not sent  # filling the rows changed nothing that autosave would send

    row.select_option(str(other_id))
    page.locator("#req-GOV-02 .layer-self [data-status]").filter(has_text="✓").wait_for(timeout=10000)
    stored = stages.stored(server, assessment_id, "GOV-02")
    assert [(c.sop_id, c.section) for c in stored.citations] == [(other_id, "4.2")]
    assert row.locator("option:checked").inner_text() == other_name


def test_without_javascript_a_blank_row_offers_the_documents_by_code_and_the_save_comes_back(browser, server):
    documents = register(server)
    assessment_id = stages.draft(server, "Browser test: documents without JavaScript")
    place = stages.card_page(server, assessment_id, "GOV-03")
    context = browser.new_context(base_url=server["url"], java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=email]", EMAILS["unit_head"])
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.goto(place)
        form = page.locator("#req-GOV-03 form.layer-self")
        blank = form.locator("select[name='GOV-03-citations-0-sop_id']")
        codes = [name.split(" · ")[0] for _, name in documents]
        assert blank.locator("option").all_inner_texts() == ["—", *codes]
        form.locator("label.pick-1").click()
        blank.select_option(label=codes[2])
        form.locator("input[name='GOV-03-citations-0-section']").fill("3.1")
        form.get_by_role("button", name="Save").click()
        page.wait_for_url(lambda url: url.endswith(f"{place}#req-GOV-03"))
        assert "GOV-03 saved." in page.locator(".flash-success").inner_text()
        stored = stages.stored(server, assessment_id, "GOV-03")
        assert (stored.value, [(c.sop_id, c.section) for c in stored.citations]) == (1, [(documents[2][0], "3.1")])
    finally:
        context.close()
