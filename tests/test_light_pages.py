"""A light scoring page: a section's cards come a few at a time, each page under 60 KB of HTML
for every role; every link to a card finds the page that holds it; the unit's register of
documents and the scripts' texts are sent once, not on every card and every page."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Assessment, Sop, User
from app.services.assessment.assessments import score_sheet
from app.services.demo.demo import make_demo
from app.web.assessments import scoring_page
from tests.conftest import (
    PASSWORD,
    PASSWORD_HASH,
    csrf_token,
    demo_app,
    demo_assessment_id,
    stored_response,
    text_of,
)

#: The most a section's page may weigh, in bytes (issue 20: "a section renders under 60 KB of HTML").
LIGHT = 60_000
#: The demo's heaviest sections (measured: long texts, many elements), for the roles checked on these alone.
HEAVIEST = ("STR", "REC", "MET", "REP", "DIG", "FEX")


def _cards(html: str) -> list[str]:
    return re.findall(r'<article class="req[^"]*" id="req-([^"]+)"', html)


def _next(html: str) -> str | None:
    found = re.search(r'<a [^>]*href="([^"]+)" rel="next"', html)
    return unescape(found[1]) if found else None


def _pages(client, url: str) -> list[str]:
    """A section's pages, from its first, following each page's "Next"."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.data) < LIGHT, (url, len(response.data))
        pages.append(response.get_data(as_text=True))
        url = _next(pages[-1])
    return pages


def _signed_in(app, email: str):
    """A test client of ``app`` signed in as ``email``."""
    client = app.test_client()
    signed_in = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client, app)}
    )
    assert signed_in.status_code == 302
    return client


@pytest.fixture(scope="module")
def demo(demo_database, tmp_path_factory):
    """The demo's consultation and its self-assessment, served by an app of their own, with an
    administrator; every person's password the tests'."""
    app = demo_app(demo_database, tmp_path_factory.mktemp("light-pages"))
    with app.app_context():
        consultation = db.session.get(Assessment, demo_assessment_id())
        self_assessment = make_demo(reviewed=False).assessment
        db.session.add(User(email="admin@light.example", name="Admin", role="admin", password_hash=PASSWORD_HASH))
        for user in db.session.scalars(select(User)):
            user.password_hash = PASSWORD_HASH
        sections = {
            a.id: [(s.id, [r.id for r in s.requirements]) for s in score_sheet(a).sections]
            for a in (consultation, self_assessment)
        }
        db.session.commit()
        ids = {"consultation": consultation.id, "self-assessment": self_assessment.id}
        db.session.remove()
    yield app, ids, sections
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    ("email", "stage", "only"),
    [
        ("ana.petrovic@demo-csi.example", "consultation", None),  # the unit head, answering the expert
        ("marko.kovac@seesac.example", "consultation", None),  # the expert, reviewing and agreeing
        ("admin@light.example", "consultation", HEAVIEST),  # every layer's form at once
        ("ana.petrovic@demo-csi.example", "self-assessment", HEAVIEST),  # every card's form, with citations
    ],
)
def test_every_section_of_the_demo_comes_in_pages_under_60_kb_with_every_card_once(demo, email, stage, only):
    app, ids, sections = demo
    client = _signed_in(app, email)
    assessment_id = ids[stage]
    for section_id, requirements in sections[assessment_id]:
        if only and section_id not in only:
            continue
        pages = _pages(client, f"/assessments/{assessment_id}/score?section={section_id}")
        shown = [card for html in pages for card in _cards(html)]
        assert shown == requirements, section_id  # every card of the section, in order, once
        assert all(len(_cards(html)) <= scoring_page.SECTION_CARDS for html in pages)
        total = len(requirements)
        for html in pages:  # the section's progress on each of its pages
            assert f'<progress value="{total}" max="{total}" aria-label="Section progress">' in html
            assert "Typical evidence" not in html  # what opens on demand stays out
            assert 'id="page-texts"' not in html
        assert "Next section" in pages[-1] or "See the results" in pages[-1]  # the way on, after the last card
        assert all("Next section" not in html and "See the results" not in html for html in pages[:-1])


@pytest.mark.parametrize(
    ("email", "stage", "filter_name"),
    [
        ("marko.kovac@seesac.example", "consultation", "gaps"),  # the expert, working through the gaps
        ("marko.kovac@seesac.example", "consultation", "disagreements"),
        ("ana.petrovic@demo-csi.example", "self-assessment", "gaps"),  # every card's form
        ("admin@light.example", "consultation", "gaps"),  # every layer's form at once
    ],
)
def test_a_list_across_the_assessment_comes_in_pages_under_60_kb_with_every_card_once(demo, email, stage, filter_name):
    app, ids, _sections = demo
    client = _signed_in(app, email)
    pages = _pages(client, f"/assessments/{ids[stage]}/score?filter={filter_name}")
    shown = [card for html in pages for card in _cards(html)]
    listed = int(re.search(r"(\d+) requirements?</small>", pages[0])[1])
    assert len(shown) == len(set(shown)) == listed > scoring_page.CARDS_PER_PAGE  # more than one page, none twice
    assert all(f"<span>Page {n} of {len(pages)}</span>" in html for n, html in enumerate(pages, 1))


@pytest.mark.parametrize(
    ("kept", "asked", "window"),
    [
        ("ABCDEFG", {}, (0, 3)),
        ("ABCDEFG", {"page": 3}, (6, 7)),
        ("ABCDEFG", {"page": 9}, (6, 7)),  # past the end: the last page
        ("ABCDEFG", {"after": "C"}, (3, 6)),
        ("CDEFG", {"after": "C"}, (1, 4)),  # A and B scored meanwhile: D comes next, none skipped
        ("DEFG", {"after": "C"}, (0, 3)),  # C itself left the list: its place still marks where to go on
        ("ABCDEFG", {"before": "D"}, (0, 3)),
        ("ABEFG", {"before": "F"}, (0, 3)),
        ("ABCDEFG", {"before": "B"}, (0, 1)),  # what came before, no card twice
        ("BCDEFG", {"before": "A"}, (0, 3)),  # nothing before it any longer: the first page
        ("ABC", {"after": "G"}, (0, 3)),  # nothing after it any longer: the last page
        ("ABCDEFG", {"after": "nowhere"}, (0, 3)),  # not in the list's order: the first page
        ("", {"after": "C"}, (0, 0)),
    ],
)
def test_a_lists_page_follows_on_from_the_card_before_whatever_left_the_list_since(kept, asked, window):
    assert scoring_page.list_window(list("ABCDEFG"), list(kept), 3, **asked) == window


def test_working_through_a_list_skips_no_card_as_it_shrinks(
    client, make_unit, make_user, make_assessment, login, save_response, monkeypatch
):
    monkeypatch.setattr(scoring_page, "CARDS_PER_PAGE", 3)
    unit = make_unit("LIST")
    login(make_user("unit_head", units=[unit]))
    assessment = make_assessment(unit)
    address = f"/assessments/{assessment.id}/score?filter=unassessed"
    first = client.get(address)
    html = first.get_data(as_text=True)
    assert _cards(html) == ["AAA-01", "AAA-02", "AAA-03"] and "Page 1 of 3" in text_of(first)
    for code in ("AAA-01", "AAA-02"):  # scored on the page: they leave the list
        save_response(assessment.id, code, score=2)
    assert _next(html) == f"{address}&after=AAA-03"
    second = client.get(_next(html))
    html = second.get_data(as_text=True)
    assert _cards(html) == ["BBB-01", "BBB-02", "FFF-01"] and "Page 2 of 3" in text_of(second)
    assert f'href="{address}&amp;before=BBB-01" rel="prev"' in html
    assert _cards(client.get(f"{address}&before=BBB-01").get_data(as_text=True)) == ["AAA-03"]
    last = client.get(_next(html)).get_data(as_text=True)
    assert _cards(last) == ["FFF-02"] and _next(last) is None
    assert _cards(client.get(f"{address}&after=%3Cscript%3E").get_data(as_text=True)) == ["AAA-03", "BBB-01", "BBB-02"]


@pytest.fixture
def paged(monkeypatch):
    """Two cards a page: the mini checklist's section AAA (three requirements) takes two pages."""
    monkeypatch.setattr(scoring_page, "SECTION_CARDS", 2)


def test_a_long_section_comes_a_page_at_a_time_with_its_progress_and_the_way_on(
    client, make_unit, make_user, make_assessment, login, save_response, paged
):
    unit = make_unit("PAGE")
    login(make_user("unit_head", units=[unit]))
    assessment = make_assessment(unit)
    save_response(assessment.id, "AAA-03", score=2)
    first = client.get(f"/assessments/{assessment.id}/score?section=AAA")
    html = first.get_data(as_text=True)
    assert _cards(html) == ["AAA-01", "AAA-02"] and "Page 1 of 2" in text_of(first)
    assert _next(html) == f"/assessments/{assessment.id}/score?section=AAA&page=2"
    assert "Next section" not in html  # the section goes on first
    assert '<span class="progress-text">1 of 3</span>' in html  # the section's progress, not the page's
    second = client.get(_next(html))
    html = second.get_data(as_text=True)
    assert _cards(html) == ["AAA-03"] and "Page 2 of 2" in text_of(second)
    assert f'href="/assessments/{assessment.id}/score?section=AAA" rel="prev"' in html
    assert "Next section: Beta section" in text_of(second) and _next(html) is None
    assert '<span class="progress-text">1 of 3</span>' in html


def test_every_way_to_a_card_finds_the_page_that_holds_it(
    client, make_unit, make_user, make_assessment, login, save_response, paged
):
    unit = make_unit("FIND")
    login(make_user("unit_head", units=[unit]))
    assessment = make_assessment(unit)
    place = f"/assessments/{assessment.id}/score?section=AAA&page=2#req-AAA-03"
    saved = save_response(assessment.id, "AAA-03", score=2)  # a save without JavaScript comes back to the card
    assert saved.status_code == 302 and saved.headers["Location"] == place
    first = save_response(assessment.id, "AAA-01", score=1)
    assert first.headers["Location"] == f"/assessments/{assessment.id}/score?section=AAA#req-AAA-01"
    for address in (f"/assessments/{assessment.id}/history/AAA-03", f"/assessments/{assessment.id}/anchors/AAA-03"):
        assert f'href="{place.replace("&", "&amp;")}"' in client.get(address).get_data(as_text=True), address
    results = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    assert place.replace("&", "&amp;") in results  # a gap listed on the results leads to its card
    in_filter = client.get(f"/assessments/{assessment.id}/score?filter=gaps").get_data(as_text=True)
    assert f'class="in-section" data-leave href="{place.replace("&", "&amp;")}"' in in_filter

    refused = save_response(assessment.id, "AAA-03", score="7")  # the page with the error holds the card
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "AAA-03" in _cards(html) and "Page 2 of 2" in text_of(refused)
    assert "Choose a score from the scale" in html

    page = client.get(place.split("#")[0]).get_data(as_text=True)
    assert "AAA-03-next" not in page  # its own page: the save comes back here by default
    search = client.get(f"/assessments/{assessment.id}/score?q=desirable").get_data(as_text=True)
    assert 'name="AAA-03-next" value="/assessments/' in search  # elsewhere the card says where it was


def test_the_units_documents_are_named_once_a_page_and_any_of_them_may_be_cited(
    client, make_unit, make_user, make_assessment, login, save_response
):
    unit = make_unit("DOCS")
    login(make_user("unit_head", units=[unit]))
    documents = [
        Sop(unit_id=unit.id, code=f"SOP-{n:02}", title=f"Procedure number {n}", version="2") for n in (1, 2, 3)
    ]
    db.session.add_all(documents)
    db.session.commit()
    assessment = make_assessment(unit)
    first, second, _third = (d.id for d in documents)
    save_response(assessment.id, "AAA-01", score=2, sop_id=first, sop_section="4.2")
    html = client.get(f"/assessments/{assessment.id}/score?section=AAA").get_data(as_text=True)
    assert html.count("Procedure number 2") == 1  # named in full once, in the page's template
    template = re.search(r'<template id="documents">(.*?)</template>', html, re.S)[1]
    assert template.count("<option") == 4 and "SOP-03 · Procedure number 3 (v2)" in template
    cited = re.search(r'<select id="AAA-01-citations-0-sop_id".*?</select>', html, re.S)[0]
    assert re.findall(r"<option[^>]*>([^<]*)</option>", cited) == ["—", "SOP-01 · Procedure number 1 (v2)"]
    blank = re.search(r'<select id="AAA-01-citations-1-sop_id".*?</select>', html, re.S)[0]
    assert re.findall(r"<option[^>]*>([^<]*)</option>", blank) == ["—", "SOP-01", "SOP-02", "SOP-03"]

    saved = save_response(assessment.id, "AAA-01", score=2, sop_id=second, sop_section="5")  # not in the row's list
    assert saved.status_code == 302
    cited = stored_response(assessment.id, "AAA-01").citations
    assert [(c.code, c.section) for c in cited] == [("SOP-02", "5")]


def test_the_scripts_texts_come_once_in_a_script_the_browser_keeps(client, make_unit, make_user, login, post):
    unit = make_unit("TEXT")
    login(make_user("assessor", units=[unit]))
    html = client.get("/").get_data(as_text=True)
    assert 'id="page-texts"' not in html and "csrf_expired" not in html
    address = unescape(re.search(r'<script src="(/page-texts/en\.js\?v=[0-9a-f]{16})" defer>', html)[1])
    script = client.get(address)
    body = script.get_data(as_text=True)
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert script.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert body.startswith("(window.CSI = window.CSI || {}).texts = {") and "Loading\\u2026" in body
    serbian = client.get("/page-texts/sr-Latn.js").get_data(as_text=True)
    assert "U\\u010ditavanje\\u2026" in serbian and "Loading" not in serbian  # another language, another script
    assert client.get("/page-texts/xx.js").status_code == 404
    again = client.get("/", headers={"Accept-Language": "sr-Latn"}).get_data(as_text=True)
    serbian_address = unescape(re.search(r'<script src="(/page-texts/[^"]+)" defer>', again)[1])
    assert serbian_address.startswith("/page-texts/sr-Latn.js?v=") and serbian_address[-16:] != address[-16:]
    assert client.get(serbian_address).get_data(as_text=True) == serbian
    assert address in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    post("/logout")
    assert client.get(address).status_code == 200  # the interface's own words, no casework: public
