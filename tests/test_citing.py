"""Citing an SOP section with its quoted sentences, on one card or several at once (issue 17, 3 and 4)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Event
from app.services.assessment.assessments import AssessmentLocked, score_sheet
from app.services.assessment.citing import CiteRefused, cite_section, quote_of
from app.services.content.sop_documents import import_sop_document
from tests.conftest import finalise, response_of

SOP_TEXT = b"""# Scene SOP

## 3.1 Seals

Every bag is sealed at the scene. The sealing officer signs across the seal.

## 3.2 Transport

Sealed items go straight to the store.
"""


@pytest.fixture
def unit_with_sop(make_unit, make_assessment):
    unit = make_unit("UA")
    outcome = import_sop_document(unit, SOP_TEXT, "scene.md", code="SOP-3", version="1")
    a = make_assessment(unit, title="Ours")
    db.session.commit()
    return a, outcome.sop


def test_a_section_cited_on_several_cards_keeps_its_quote(unit_with_sop, make_user):
    a, sop = unit_with_sop
    head = make_user("unit_head", units=[a.unit])
    done = cite_section(
        score_sheet(a), ["AAA-01", "bbb-01"], sop, "3.1", "The sealing officer signs across the seal.", head
    )
    db.session.commit()
    assert done.cited == ("AAA-01", "BBB-01") and done.already == ()
    for rid in ("AAA-01", "BBB-01"):
        [citation] = response_of(a, rid).citations
        assert (citation.code, citation.section, citation.quote) == (
            "SOP-3",
            "3.1",
            "The sealing officer signs across the seal.",
        )
    again = cite_section(score_sheet(a), ["AAA-01"], sop, "3.1", "x", head)
    assert again.cited == () and again.already == ("AAA-01",)
    event = db.session.query(Event).filter_by(name="response.cited").one()
    assert "SOP-3 § 3.1 cited on AAA-01, BBB-01" in event.summary


def test_a_cited_card_gets_a_new_version(unit_with_sop):
    a, sop = unit_with_sop
    before = response_of(a, "AAA-02").version
    cite_section(score_sheet(a), ["AAA-02"], sop, "3.2", "", None)
    db.session.commit()
    assert response_of(a, "AAA-02").version > before


def test_saving_the_card_keeps_the_quote_of_a_citation_it_keeps(unit_with_sop, make_user, login, save_response):
    a, sop = unit_with_sop
    head = make_user("unit_head", units=[a.unit])
    cite_section(score_sheet(a), ["AAA-01"], sop, "3.1", "Every bag is sealed at the scene.", head)
    db.session.commit()
    login(head)
    save_response(a.id, "AAA-01", score=2, basis="sop_text", sop_id=sop.id, sop_section="3.1")
    [kept] = response_of(a, "AAA-01").citations
    assert kept.quote == "Every bag is sealed at the scene."


def test_what_cannot_be_cited_is_refused_whole(unit_with_sop, make_unit, make_assessment):
    a, sop = unit_with_sop
    with pytest.raises(CiteRefused, match=r"no section 9\.9"):
        cite_section(score_sheet(a), ["AAA-01"], sop, "9.9", "", None)
    with pytest.raises(CiteRefused, match="Not part of this assessment: ZZZ-01"):
        cite_section(score_sheet(a), ["AAA-01", "ZZZ-01"], sop, "3.1", "", None)
    theirs = make_assessment(make_unit("UB"), title="Theirs")
    with pytest.raises(CiteRefused, match=r"this unit.s register"):
        cite_section(score_sheet(theirs), ["AAA-01"], sop, "3.1", "", None)
    assert response_of(a, "AAA-01").citations == []


def test_a_finalised_assessment_takes_no_citation_and_keeps_its_quotes(unit_with_sop, make_user):
    a, sop = unit_with_sop
    head = make_user("unit_head", units=[a.unit])
    cite_section(score_sheet(a), ["AAA-01"], sop, "3.1", "Every bag is sealed at the scene.", head)
    db.session.commit()
    finalise(a, head)
    with pytest.raises(AssessmentLocked):
        cite_section(score_sheet(a), ["AAA-02"], sop, "3.2", "", head)
    [frozen] = response_of(a, "AAA-01").citations
    assert frozen.frozen and frozen.quote == "Every bag is sealed at the scene." and frozen.code == "SOP-3"


def test_a_quote_is_the_highlighted_sentences_shortened():
    text = "First sentence here. Second one. Third."
    assert quote_of(text, ((0, 20), (21, 32))) == "First sentence here. Second one."  # next to each other
    assert quote_of(text, ((0, 20), (33, 39))) == "First sentence here. … Third."  # a sentence left out between
    assert quote_of("word " * 1000).endswith("…") and len(quote_of("word " * 1000)) <= 2000
