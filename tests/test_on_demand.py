"""A light cards page: what each level looks like, and the guidance, evidence and references, come
when a person opens them (a fragment the page's script fetches, or a page of its own without
JavaScript), under the cards page's own access decision and in the reader's language."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from flask_babel import refresh
from sqlalchemy import select

from app.domain.loader import load_checklist_file
from app.domain.overlays import load_overlay_file
from app.extensions import db
from app.models import ChecklistVersion
from app.services.assessment.assessments import create_assessment
from app.services.content.checklists import store_checklist
from app.web.compact import compact_html
from tests.conftest import text_of

CHECKLISTS = Path(__file__).resolve().parents[1] / "checklists"
SHIPPED = CHECKLISTS / "csi-sop-enfsi.yaml"
FRAGMENT = {"X-Fragment": "1"}
#: REC-02's level 1 in English (checklists/csi-sop-enfsi.yaml).
LEVEL_1 = "The SOP asks for a description of the scene but lists no elements"


@pytest.fixture
def shipped(app):
    """The shipped checklist, stored; the version's row."""
    checklist, text = load_checklist_file(SHIPPED)
    store_checklist(checklist, text, SHIPPED.name)
    return db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.version == checklist.version))


@pytest.fixture
def assessed(shipped, make_unit):
    """An assessment of the shipped checklist for each of two units (core only), by unit code."""

    def make(code):
        unit = make_unit(code)
        assessment = create_assessment(unit=unit, version=shipped, title=f"{code} self-assessment", modules=[])
        db.session.commit()
        return assessment

    return {code: make(code) for code in ("OWN", "OTHER")}


def _card(page_html: str, requirement_id: str) -> str:
    return re.search(rf'<article [^>]*id="req-{requirement_id}".*?</article>', page_html, re.S)[0]


def _link(card: str, part: str) -> str:
    details = re.search(rf'<details class="{part}" data-on-demand>.*?</details>', card, re.S)[0]
    return unescape(re.search(r'href="([^"]+)"', details)[1])


def test_a_card_carries_its_levels_as_a_link_that_gives_them_when_opened(client, assessed, make_user, login):
    own = assessed["OWN"]
    login(make_user("assessor", units=[own.unit]))
    page = client.get(f"/assessments/{own.id}/score?section=REC").get_data(as_text=True)
    card = _card(page, "REC-02")
    assert "What each level looks like" in card and LEVEL_1 not in page
    assert "Guidance, evidence and references" in card and "Typical evidence" not in page
    link = _link(card, "anchors")
    assert link == f"/assessments/{own.id}/anchors/REC-02"

    fragment = client.get(link, headers=FRAGMENT)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html and "<dl>" in html
    assert LEVEL_1 in html and "1 · Partially addressed" in html
    assert '<p class="level-rule">' in html  # REC-02 has elements: the rule that turns them into a level

    guidance = client.get(_link(card, "guidance"), headers=FRAGMENT).get_data(as_text=True)
    assert "Typical evidence" in guidance and "zapisnik" in guidance and 'class="ref"' in guidance


def test_without_javascript_the_link_opens_the_text_on_a_page_of_its_own(client, assessed, make_user, login):
    own = assessed["OWN"]
    login(make_user("viewer", units=[own.unit]))
    response = client.get(f"/assessments/{own.id}/anchors/REC-02")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.startswith("<!doctype html>")
    assert LEVEL_1 in text_of(response) and "What each level looks like" in text_of(response)
    assert f'href="/assessments/{own.id}/score?section=REC#req-REC-02"' in html  # back to the card
    guidance = client.get(f"/assessments/{own.id}/guidance/REC-02")
    assert "Typical evidence" in text_of(guidance) and "Guidance, evidence and references" in text_of(guidance)


def test_another_units_assessment_gives_nothing_and_a_signed_out_person_is_sent_to_sign_in(
    client, assessed, make_user, login
):
    own, other = assessed["OWN"], assessed["OTHER"]
    for part in ("anchors", "guidance"):
        signed_out = client.get(f"/assessments/{own.id}/{part}/REC-02", headers=FRAGMENT)
        assert signed_out.status_code == 302 and signed_out.headers["Location"].startswith("/login")
    login(make_user("unit_head", units=[own.unit]))
    for part in ("anchors", "guidance"):
        for headers in (FRAGMENT, {}):
            refused = client.get(f"/assessments/{other.id}/{part}/REC-02", headers=headers)
            assert refused.status_code == 404 and LEVEL_1 not in refused.get_data(as_text=True)
        assert client.get(f"/assessments/{own.id}/{part}/REC-02", headers=FRAGMENT).status_code == 200
        # a requirement the assessment does not take (a module not chosen), or none at all
        assert client.get(f"/assessments/{own.id}/{part}/FAS-01", headers=FRAGMENT).status_code == 404
        assert client.get(f"/assessments/{own.id}/{part}/NOPE-99", headers=FRAGMENT).status_code == 404


def test_the_levels_come_in_the_readers_language_marked_as_on_the_card(client, assessed, make_user, login):
    own = assessed["OWN"]
    login(make_user("unit_head", units=[own.unit]))
    version = load_checklist_file(SHIPPED)[0].version
    overlay = load_overlay_file(CHECKLISTS / "translations" / f"csi-sop-enfsi.{version}.sr-Latn.yaml")
    serbian = {(k.id, k.path): e.text for k, e in overlay.entries.items() if k.kind == "requirement"}
    refresh()  # the test holds one app context: forget the language of the sign-in request
    response = client.get(f"/assessments/{own.id}/anchors/REC-02", headers={**FRAGMENT, "Accept-Language": "sr-Latn"})
    html = response.get_data(as_text=True)
    level_1 = " ".join(serbian[("REC-02", "anchors.1")].split())
    assert level_1 in " ".join(unescape(html).split()) and LEVEL_1 not in html
    rule, levels = html.split("<dl>")
    assert "Partially addressed" not in levels and "Delimično" in levels  # the scale's level names too
    assert "fallback-mark" not in levels  # every anchor of REC-02 is translated: nothing marked as English
    # the level rule, which the Serbian overlay leaves in English, is marked so, naming English in Serbian
    assert '<span lang="en">' in rule and 'class="fallback-mark"' in rule and "engleski" in rule


def test_a_search_found_in_the_guidance_shows_it_on_the_card(client, make_unit, make_user, make_assessment, login):
    unit = make_unit("FIND")
    login(make_user("assessor", units=[unit]))
    assessment = make_assessment(unit)
    page = client.get(f"/assessments/{assessment.id}/score?q=named").get_data(as_text=True)
    card = _card(page, "AAA-02")
    assert "guidance" in card.split('class="found-in"', 1)[1].split("</span>", 1)[0]
    assert '<details class="guidance" open>' in card and "Look for a named role." in card
    other = client.get(f"/assessments/{assessment.id}/score?section=AAA").get_data(as_text=True)
    assert "Look for a named role." not in other  # outside a search it comes when opened


def test_a_card_says_only_what_applies_and_comes_back_to_itself_after_a_save_without_javascript(
    client, make_unit, make_user, make_assessment, login, save_response
):
    unit = make_unit("LEAN")
    login(make_user("unit_head", units=[unit]))
    assessment = make_assessment(unit)
    save_response(assessment.id, "AAA-02", score=1)
    page = client.get(f"/assessments/{assessment.id}/score?section=AAA").get_data(as_text=True)
    parts = re.search(r'<template id="card-parts">.*?</template>', page, re.S)[0]
    assert "data-rec" in parts and "Did you mean not evidenced?" in parts  # once, for the page's script
    shown = _card(page, "AAA-02")  # scored 1: the checklist's recommendation for that level
    assert "data-rec><strong>" in shown and "Name the role for the important thing." in shown
    assert "data-rec" not in _card(page, "AAA-01") and "data-ask-ne" not in _card(page, "AAA-01")
    assert "-next" not in _card(page, "AAA-01")  # the card's own section is where its form comes back to
    filtered = client.get(f"/assessments/{assessment.id}/score?filter=unassessed").get_data(as_text=True)
    back = f"/assessments/{assessment.id}/score?filter=unassessed#req-AAA-01"
    assert f'name="AAA-01-next" value="{back}"' in filtered
    saved = save_response(assessment.id, "AAA-01", score=3)
    assert saved.headers["Location"] == f"/assessments/{assessment.id}/score?section=AAA#req-AAA-01"


def test_compacting_keeps_what_a_person_typed_and_what_a_browser_shows():
    html = (
        "<div>\n    <p>First\n\nline  kept</p>\n\n  <span>a</span> <span>b</span>\n"
        '  <textarea name="n">\n\n  typed\n\n</textarea>\n  <script type="application/json">{"a":\n  1}</script>\n</div>'
    )
    assert compact_html(html) == (
        "<div>\n<p>First\n\nline  kept</p>\n<span>a</span> <span>b</span>\n"
        '<textarea name="n">\n\n  typed\n\n</textarea>\n<script type="application/json">{"a":\n  1}</script>\n</div>'
    )
