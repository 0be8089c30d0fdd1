"""How each translation was made, told to its users on every page, and the reviews administrators record."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Event, TranslationReview
from tests.conftest import text_of


def test_every_page_tells_the_users_of_a_language_how_its_translation_was_made(client, post, catalogues):
    catalogues("sr-Latn", {"Sign in": "Prijava"})
    assert "drafted with machine assistance" not in text_of(client.get("/login"))  # English: the source
    post("/language", {"language": "sr-Latn", "next": "/login"})
    footer = re.search(r"<footer.*?</footer>", client.get("/login").get_data(as_text=True), re.S).group()
    assert (
        "Srpski (latinica): drafted with machine assistance, not yet reviewed by a native-speaking CSI practitioner."
        in text_of_html(footer)
    )
    assert 'href="/languages"' in footer


def test_the_status_line_is_in_the_language_where_its_catalogue_translates_it(client, post, catalogues):
    catalogues(
        "sr-Latn",
        {
            "%(language)s: %(status)s.": "%(language)s: %(status)s.",
            "drafted with machine assistance, not yet reviewed by a native-speaking CSI practitioner": (
                "prevedeno uz pomoć mašine, još nije pregledao izvorni govornik iz struke"
            ),
        },
    )
    post("/language", {"language": "sr-Latn", "next": "/login"})
    assert "Srpski (latinica): prevedeno uz pomoć mašine" in text_of(client.get("/login"))


def test_a_language_without_a_catalogue_says_so(client, post, catalogues):
    post("/language", {"language": "mk", "next": "/login"})
    assert "Македонски: not translated yet: shown in English." in text_of(client.get("/login"))


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_status_page_lists_every_language_for_anyone(client, catalogues):
    catalogues("hr", {"Sign in": "Prijava"})
    page = text_of(client.get("/languages"))
    assert "Hrvatski Interface (pages and reports) drafted with machine assistance" in page
    assert "Македонски Interface (pages and reports) not translated yet: shown in English" in page
    assert "English Interface" not in page


@pytest.mark.parametrize("role", ["unit_head", "expert", "viewer", "assessor", "programme_staff"])
def test_only_administrators_record_reviews(client, make_user, login, post, role):
    login(make_user(role))
    assert client.get("/admin/translations").status_code == 403
    assert post("/admin/translations", {"text": "hr|interface", "reviewer": "X"}).status_code == 403


def review_form(**changes):
    form = {
        "text": "sr-Latn|interface",
        "reviewer": "Ana Petrović",
        "reviewer_role": "crime scene officer, Novi Sad",
        "reviewed_on": "2026-11-15",
        "outcome": "reviewed",
        "note": "Terms checked against the ZKP.",
    }
    return form | changes


def test_an_administrator_records_a_review_which_users_of_the_language_then_see(
    client, make_user, login, post, catalogues
):
    catalogues("sr-Latn", {"Sign in": "Prijava"})
    admin = login(make_user("admin", name="Admin Person"))
    page = text_of(client.get("/admin/translations"))
    assert "Srpski (latinica) (sr-Latn) Interface (pages and reports)" in page and "machine-draft" in page
    response = post("/admin/translations", review_form())
    assert response.status_code == 302
    review = db.session.scalar(select(TranslationReview))
    assert (review.language, review.catalogue, review.outcome, review.reviewer) == (
        "sr-Latn",
        "interface",
        "reviewed",
        "Ana Petrović",
    )
    assert review.recorded_by_id == admin.id
    event = db.session.scalar(select(Event).where(Event.name == "translation.reviewed"))
    assert event.object_id == "sr-Latn|interface"
    assert event.before == {"translation_status": "machine-draft"} and event.after["translation_status"] == "reviewed"
    listed = text_of(client.get("/admin/translations"))
    assert "Reviewed: fit to use: Ana Petrović (crime scene officer, Novi Sad), 15 Nov 2026" in listed
    post("/language", {"language": "sr-Latn", "next": "/"})
    footer = text_of(client.get("/"))
    assert (
        "Srpski (latinica): reviewed by a native-speaking CSI practitioner (Ana Petrović, crime scene officer, "
        "Novi Sad, 15. 11. 2026.)." in footer
    )


def test_a_refused_review_keeps_what_was_typed(client, make_user, login, post, catalogues):
    catalogues("sr-Latn", {"Sign in": "Prijava"})
    login(make_user("admin"))
    response = post("/admin/translations", review_form(reviewer="", reviewed_on="2999-01-01"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="crime scene officer, Novi Sad"' in html and "Terms checked against the ZKP." in html
    assert '<option selected value="sr-Latn|interface">' in html
    assert "give a date not after today" in text_of(response)
    assert post("/admin/translations", review_form(text="de|interface")).status_code == 400
    assert db.session.scalar(select(TranslationReview)) is None


def test_a_review_without_the_forms_token_is_refused(client, make_user, login):
    login(make_user("admin"))
    response = client.post("/admin/translations", data=review_form())
    assert response.status_code == 400 and db.session.scalar(select(TranslationReview)) is None


def test_overlays_and_glossaries_are_listed_with_what_their_files_state(app, client, make_user, login, tmp_path):
    checklists = tmp_path / "checklists"
    (checklists / "translations").mkdir(parents=True)
    (checklists / "glossary").mkdir()
    (checklists / "translations" / "csi-sop-enfsi.2.1.0.sq.yaml").write_text(
        "language: sq\nstatus: machine-draft\nnote: >\n  Drafted with machine assistance;\n  not reviewed.\n"
        "requirements:\n  GOV-01:\n    title: Qeverisja\n",
        encoding="utf-8",
    )
    (checklists / "glossary" / "mk.yaml").write_text(
        "language: mk\nstatus: reviewed\nnote: Checked.\nterms:\n  - en: crime scene\n    term: место на злосторство\n",
        encoding="utf-8",
    )
    app.config["CHECKLISTS_DIR"] = str(checklists)
    login(make_user("admin"))
    page = text_of(client.get("/admin/translations"))
    assert (
        "Shqip (sq) Checklist csi-sop-enfsi@2.1.0" in page and "Drafted with machine assistance; not reviewed." in page
    )
    assert "Македонски (mk) Glossary of terms" in page and "reviewed" in page
    html = client.get("/admin/translations").get_data(as_text=True)
    assert 'value="sq|csi-sop-enfsi@2.1.0"' in html and 'value="mk|glossary"' in html
