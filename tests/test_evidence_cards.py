"""Evidence on the card: suggested passages, one-click cite, the quote kept with the citation on
the card, in the report and in packages (issue 17, deliverable 3)."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Assessment, Citation
from app.services.content.sop_documents import import_sop_document
from app.services.exchange.packages import build_package
from app.web.assessments.evidence_box import excerpt
from tests.conftest import answer_the_rest, finalise, response_of, text_of

SOP_TEXT = b"""# Scene SOP

## 1 Records

The essential thing is done at every scene and recorded on the record form. The record form is kept.

## 2 Roles

The scene lead <script>alert(1)</script> is the named role who does the important thing. The lead is trained.

## 3 Review

The desirable thing is reviewed every year. The review is recorded by the quality manager.

## 4 Records of the essential work

Every essential step is recorded and done in order. Records are checked by the lead.
"""

NEW_VERSION = SOP_TEXT.replace(b"The essential thing is done", b"From now on the essential thing is done")
FIRST_QUOTE = "The essential thing is done at every scene and recorded on the record form. The record form is kept."


@pytest.fixture
def cited_unit(make_unit, make_assessment):
    unit = make_unit("UA")
    outcome = import_sop_document(unit, SOP_TEXT, "scene.md", code="SOP-1", version="1")
    a = make_assessment(unit, title="Ours")
    db.session.commit()
    return a, outcome.sop


@pytest.fixture
def head(cited_unit, make_user, login):
    a, _sop = cited_unit
    return login(make_user("unit_head", units=[a.unit]))


@pytest.fixture
def cite(post):
    """Post a Cite button's form: the passage and the card's version (JSON unless asked otherwise)."""

    def send(a, rid, sop_id, section, version, json=True, **extra):
        headers = {"Accept": "application/json"} if json else {}
        data = {"sop": sop_id, "section": section, "version": "" if version is None else version, **extra}
        return post(f"/assessments/{a.id}/responses/{rid}/cite", data, headers=headers)

    return send


def _card(html: str, rid: str) -> str:
    return re.search(rf'<article class="req[^"]*" id="req-{rid}".*?</article>', html, re.S).group(0)


def test_a_card_shows_three_suggested_passages_with_the_matching_sentences_marked(client, cited_unit, head):
    a, _sop = cited_unit
    page = client.get(f"/assessments/{a.id}/score?section=AAA")
    card = _card(page.get_data(as_text=True), "AAA-01")
    assert "Suggested evidence" in card and "Suggested by word matching; check the passage before citing." in card
    assert card.count("data-suggestion ") == 3
    assert "<mark>The essential thing is done at every scene and recorded on the record form.</mark>" in card
    assert "SOP-1 § 1</strong> Records" in card
    assert card.count(f'action="/assessments/{a.id}/responses/AAA-01/cite"') == 3


def test_sop_text_is_shown_as_text_never_as_html(client, cited_unit, head):
    a, _sop = cited_unit
    card = _card(client.get(f"/assessments/{a.id}/score?section=AAA").get_data(as_text=True), "AAA-02")
    assert "<script>alert(1)</script>" not in card
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card


def test_an_excerpt_escapes_everything_but_its_marks():
    text = "<b>Bold</b> first. Plain & simple second."
    assert str(excerpt(text, ((0, 18),))) == "<mark>&lt;b&gt;Bold&lt;/b&gt; first.</mark> …"
    assert str(excerpt(text, ())) == "&lt;b&gt;Bold&lt;/b&gt; first. Plain &amp; simple second."
    three = "A one. B two. C three. " + "filler " * 20 + "D four."
    assert str(excerpt(three, ((0, 6), (14, 22)))) == "<mark>A one.</mark> B two. <mark>C three.</mark> …"
    assert str(excerpt(three, ((7, 13), (10, 22)))) == "… <mark>B two. C three.</mark> …"
    assert str(excerpt(three, ((0, 6), (len(three) - 7, len(three))))) == "<mark>A one.</mark> … <mark>D four.</mark>"


def test_no_box_without_imported_sops(client, make_unit, make_assessment, make_user, login):
    unit = make_unit("UB")
    a = make_assessment(unit)
    login(make_user("unit_head", units=[unit]))
    assert "Suggested evidence" not in client.get(f"/assessments/{a.id}/score?section=AAA").get_data(as_text=True)


def test_cite_by_script_answers_the_new_version_and_the_citation(client, cited_unit, head, cite):
    a, sop = cited_unit
    before = response_of(a, "AAA-01").version
    answer = cite(a, "AAA-01", sop.id, "1", before)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["ok"] and body["version"] > before
    assert body["citation"] == {
        "sop_id": sop.id,
        "code": "SOP-1",
        "title": sop.title,
        "doc_version": "1",
        "section": "1",
        "quote": FIRST_QUOTE,
    }
    [stored] = response_of(a, "AAA-01").citations
    assert stored.quote == FIRST_QUOTE
    card = _card(client.get(f"/assessments/{a.id}/score?section=AAA").get_data(as_text=True), "AAA-01")
    assert "data-cited>Cited</span>" in card and card.count("/cite") == 2
    assert f'<blockquote class="quote" data-quote>{FIRST_QUOTE}</blockquote>' in card


def test_the_quote_is_computed_by_the_server_not_taken_from_the_browser(client, cited_unit, head, cite):
    a, sop = cited_unit
    cite(a, "AAA-01", sop.id, "1", response_of(a, "AAA-01").version, quote="Anything I like")
    assert response_of(a, "AAA-01").citations[0].quote == FIRST_QUOTE


def test_a_section_not_suggested_is_quoted_from_its_opening(client, cited_unit, head, cite):
    a, sop = cited_unit
    assert cite(a, "AAA-03", sop.id, "2", response_of(a, "AAA-03").version).status_code == 200
    assert response_of(a, "AAA-03").citations[0].quote.startswith("The scene lead <script>")


def test_cite_without_script_redirects_back_to_the_card_with_a_message(client, cited_unit, head, cite):
    a, sop = cited_unit
    answer = cite(a, "AAA-02", sop.id, "2", response_of(a, "AAA-02").version, json=False)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("#req-AAA-02")
    page = client.get(answer.headers["Location"])
    assert "SOP-1 § 2 cited on AAA-02." in text_of(page)
    assert response_of(a, "AAA-02").citations[0].section == "2"


def test_a_refused_cite_without_script_says_why_on_the_page(client, cited_unit, head, cite):
    a, sop = cited_unit
    answer = cite(a, "AAA-02", sop.id, "9.9", response_of(a, "AAA-02").version, json=False)
    assert answer.status_code == 302
    assert "SOP-1 has no section 9.9 in its current version." in text_of(client.get(answer.headers["Location"]))


def test_cite_without_a_csrf_token_is_refused(client, cited_unit, head):
    a, sop = cited_unit
    answer = client.post(
        f"/assessments/{a.id}/responses/AAA-01/cite",
        data={"sop": sop.id, "section": "1", "version": 1},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 400 and answer.get_json()["error"] == "csrf_expired"
    assert response_of(a, "AAA-01").citations == []


@pytest.mark.parametrize("role", ["viewer", "expert"])
def test_viewers_and_experts_cannot_cite(client, cited_unit, make_user, login, cite, role):
    a, sop = cited_unit
    login(make_user(role, units=[a.unit]))
    answer = cite(a, "AAA-01", sop.id, "1", response_of(a, "AAA-01").version)
    assert answer.status_code == 403
    assert response_of(a, "AAA-01").citations == []


def test_another_units_head_cannot_cite_on_our_card(client, cited_unit, make_unit, make_user, login, cite):
    a, sop = cited_unit
    login(make_user("unit_head", units=[make_unit("UZ")]))
    assert cite(a, "AAA-01", sop.id, "1", response_of(a, "AAA-01").version).status_code == 404


def test_another_units_document_cannot_be_cited(client, cited_unit, make_unit, head, cite):
    a, _sop = cited_unit
    theirs = import_sop_document(make_unit("UZ"), SOP_TEXT, "scene.md", code="SOP-Z", version="1").sop
    db.session.commit()
    answer = cite(a, "AAA-01", theirs.id, "1", response_of(a, "AAA-01").version)
    assert answer.status_code == 422
    assert answer.get_json() == {
        "ok": False,
        "error": "invalid",
        "message": "Cite documents from this unit's register.",
    }


def test_a_finalised_assessment_refuses_a_cite_with_a_reason(client, cited_unit, head, cite):
    a, sop = cited_unit
    answer_the_rest(a)
    finalise(a, head)
    answer = cite(a, "AAA-01", sop.id, "1", response_of(a, "AAA-01").version)
    assert answer.status_code == 409
    body = answer.get_json()
    assert body["error"] == "stage_moved" and "stage 'Finalised'" in body["message"]


def test_a_stale_version_is_a_conflict_and_nothing_is_cited(client, cited_unit, head, cite, save_response):
    a, sop = cited_unit
    shown = response_of(a, "AAA-01").version
    save_response(a.id, "AAA-01", score=2, basis="sop_text")  # someone saved the card since the page showed it
    answer = cite(a, "AAA-01", sop.id, "1", shown)
    assert answer.status_code == 409
    body = answer.get_json()
    assert body["error"] == "conflict" and "the passage was not cited" in body["message"]
    assert response_of(a, "AAA-01").citations == []


def test_the_quote_and_version_stay_frozen_after_a_new_sop_version(client, cited_unit, head, cite):
    a, sop = cited_unit
    cite(a, "AAA-01", sop.id, "1", response_of(a, "AAA-01").version)
    response = response_of(a, "AAA-01")
    response.value, response.basis = 1, "sop_text"  # a gap, so the report lists it with its citations
    db.session.commit()
    answer_the_rest(a)
    finalise(a, head)
    import_sop_document(a.unit, NEW_VERSION, "scene.md", code="SOP-1", version="2")
    db.session.commit()
    [citation] = response_of(a, "AAA-01").citations
    assert (citation.quote, citation.doc_version) == (FIRST_QUOTE, "1")
    card = _card(client.get(f"/assessments/{a.id}/score?section=AAA").get_data(as_text=True), "AAA-01")
    assert f'<blockquote class="quote">{FIRST_QUOTE}</blockquote>' in card and "From now on" not in card
    assert '<span class="meta">v1</span>' in card
    report = client.get(f"/assessments/{a.id}/report")
    assert report.status_code == 200
    assert f"SOP-1 v1 § 1: “{FIRST_QUOTE}”" in text_of(report)


@pytest.mark.parametrize("role", ["viewer", "expert"])
def test_viewers_and_experts_see_the_quote_on_the_card(client, cited_unit, head, cite, make_user, login, post, role):
    a, sop = cited_unit
    cite(a, "AAA-01", sop.id, "1", response_of(a, "AAA-01").version)
    post("/logout")
    login(make_user(role, units=[a.unit]))
    card = _card(client.get(f"/assessments/{a.id}/score?section=AAA").get_data(as_text=True), "AAA-01")
    assert f'<blockquote class="quote">{FIRST_QUOTE}</blockquote>' in card
    assert "Suggested evidence" not in card  # suggestions are for those who cite


def test_a_package_carries_a_quote_only_when_there_is_one(client, cited_unit, head, cite, save_response):
    a, sop = cited_unit
    cite(a, "AAA-01", sop.id, "1", response_of(a, "AAA-01").version)
    save_response(a.id, "AAA-02", score=2, basis="sop_text", sop_id=sop.id, sop_section="2")  # typed by hand
    package = build_package(db.session.get(Assessment, a.id))
    by_id = {r["requirement"]: r for r in package["responses"]}
    assert by_id["AAA-01"]["citations"] == [{"sop": "SOP-1", "version": "1", "section": "1", "quote": FIRST_QUOTE}]
    assert by_id["AAA-02"]["citations"] == [{"sop": "SOP-1", "version": "1", "section": "2"}]


def _other_installation(folder):
    from app import create_app
    from app.domain.loader import load_checklist_file
    from app.services.content.checklists import store_checklist
    from tests.conftest import MINI

    other = create_app(
        {"TESTING": True, "SECRET_KEY": "other", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'other.sqlite3'}"}
    )
    with other.app_context():
        db.create_all()
        checklist, text = load_checklist_file(MINI)
        store_checklist(checklist, text, MINI.name)
    return other


def test_a_package_round_trip_keeps_the_quotes_and_an_older_package_imports_as_before(
    client, cited_unit, head, cite, save_response, tmp_path
):
    from app.services.exchange.imports import import_package
    from app.services.exchange.packages import package_bytes

    a, sop = cited_unit
    cite(a, "AAA-01", sop.id, "1", response_of(a, "AAA-01").version)
    save_response(a.id, "AAA-02", score=2, basis="sop_text", sop_id=sop.id, sop_section="2")
    package = build_package(db.session.get(Assessment, a.id))
    older = json.loads(json.dumps(package))  # as an installation before quotes wrote it
    for entry in older["responses"]:
        for c in entry["citations"]:
            c.pop("quote", None)
    for sent, quotes in ((package, [("1", FIRST_QUOTE), ("2", "")]), (older, [("1", ""), ("2", "")])):
        folder = tmp_path / str(len(quotes[0][1]))
        folder.mkdir()
        with _other_installation(folder).app_context():
            import_package(package_bytes(sent))
            imported = db.session.scalars(select(Citation).order_by(Citation.section)).all()
            assert [(c.section, c.quote) for c in imported] == quotes


def test_the_csv_export_gives_the_quote_with_the_citation(client, cited_unit, head, cite):
    a, sop = cited_unit
    cite(a, "AAA-01", sop.id, "1", response_of(a, "AAA-01").version)
    exported = client.get(f"/assessments/{a.id}/export.csv")
    assert exported.status_code == 200
    assert f"SOP-1 v1, § 1: “{FIRST_QUOTE}”" in exported.get_data(as_text=True)
