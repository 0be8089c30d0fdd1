"""The interface's languages: which one a person gets, the switcher on every page, and each
locale's formats and plurals (tests/test_translation_reviews.py: the status each translation
shows; tests/test_report_languages.py: reports in a chosen language).

The real catalogues are written elsewhere; these tests write small ones of their own.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel import Locale
from babel.messages.plurals import get_plural
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import select

from app.domain.languages import CODES, LANGUAGES, browser_language, preferred_language
from app.extensions import db
from app.models import Event, User
from app.services.formatting import date, decimal, regional
from app.web.page_texts import page_texts
from tests.conftest import text_of


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.get_data(as_text=True)).group(1)


# --- the registry ---------------------------------------------------------------------------


def test_there_are_eight_languages_each_named_as_its_speakers_write_it():
    assert CODES == ("en", "bs", "hr", "cnr", "sr-Latn", "sr-Cyrl", "sq", "mk")
    names = {code: LANGUAGES[code].name for code in CODES}
    assert names == {
        "en": "English",
        "bs": "Bosanski",
        "hr": "Hrvatski",
        "cnr": "Crnogorski",
        "sr-Latn": "Srpski (latinica)",
        "sr-Cyrl": "Српски (ћирилица)",
        "sq": "Shqip",
        "mk": "Македонски",
    }
    assert {c: LANGUAGES[c].script for c in CODES if LANGUAGES[c].script == "Cyrl"} == {"sr-Cyrl": "Cyrl", "mk": "Cyrl"}


@pytest.mark.parametrize("code", CODES)
def test_each_language_has_a_babel_locale_and_the_plural_count_babel_gives_it(code):
    language = LANGUAGES[code]
    assert str(Locale.parse(language.locale)) == language.locale
    assert get_plural(language.locale).num_plurals == language.plurals


def test_montenegrin_is_babels_serbian_latin_of_montenegro_but_keeps_its_own_catalogue():
    assert str(Locale.parse("cnr")) == "sr_Latn_ME" == LANGUAGES["cnr"].locale
    assert LANGUAGES["cnr"].catalogue == "cnr"
    assert regional("cnr") == "sr_Latn_ME" and regional("en") == "en_GB" and regional("sr-Cyrl") == "sr_Cyrl"


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("sr", "sr-Cyrl"),
        ("sr-RS", "sr-Cyrl"),
        ("sr-Cyrl", "sr-Cyrl"),
        ("sr-Cyrl-RS", "sr-Cyrl"),
        ("sr-Latn", "sr-Latn"),
        ("sr-Latn-RS", "sr-Latn"),
        ("sr-ME", "cnr"),
        ("cnr", "cnr"),
        ("cnr-ME", "cnr"),
        ("bs-BA", "bs"),
        ("hr-HR", "hr"),
        ("sq", "sq"),
        ("sq-XK", "sq"),
        ("mk-MK", "mk"),
        ("en-US", "en"),
        ("de-DE", None),
        ("*", None),
    ],
)
def test_a_browsers_language_tag_names_one_of_ours(tag, code):
    assert browser_language(tag) == code


def test_the_browsers_best_language_we_offer_wins():
    assert preferred_language([("de", 1.0), ("hr", 0.8), ("en", 0.5)]) == "hr"
    assert preferred_language([("en", 0.4), ("sq-XK", 0.9)]) == "sq"
    assert preferred_language([("fr", 1.0)]) is None
    assert preferred_language([("mk", 0)]) is None  # q=0: not acceptable


# --- which language a request gets ------------------------------------------------------------


def test_a_visitor_gets_the_browsers_language_else_english(client):
    assert html_lang(client.get("/login", headers={"Accept-Language": "hr-HR,hr;q=0.9,en;q=0.5"})) == "hr"
    assert html_lang(client.get("/login", headers={"Accept-Language": "sr-RS"})) == "sr-Cyrl"
    assert html_lang(client.get("/login", headers={"Accept-Language": "sr-ME"})) == "sr-Latn-ME"
    assert html_lang(client.get("/login", headers={"Accept-Language": "de-DE"})) == "en-GB"
    assert html_lang(client.get("/login")) == "en-GB"


def test_the_sign_in_page_has_the_switcher_and_a_visitors_choice_is_kept_in_the_session(client, post):
    page = client.get("/login").get_data(as_text=True)
    switcher = re.search(r'<form class="language-switch".*?</form>', page, re.S).group()
    assert 'action="/language"' in switcher and 'name="csrf_token"' in switcher
    assert all(f'value="{code}"' in switcher for code in CODES) and "Српски (ћирилица)" in switcher
    response = post("/language", {"language": "sq", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert html_lang(client.get("/login", headers={"Accept-Language": "hr"})) == "sq"  # the choice beats the browser
    with client.session_transaction() as session:
        assert session["language"] == "sq"


def test_a_visitors_choice_lasts_through_signing_in(client, post, make_user, login):
    user = make_user("viewer")
    post("/language", {"language": "mk", "next": "/login"})
    login(user)
    assert html_lang(client.get("/")) == "mk"
    assert db.session.get(User, user.id).language is None  # the account itself was not changed


def test_a_signed_in_persons_choice_is_kept_with_the_account_and_audited(client, post, make_user, login):
    user = make_user("unit_head")
    login(user)
    page = client.get("/", headers={"Accept-Language": "sq"})
    assert html_lang(page) == "sq"
    assert 'class="language-switch"' in page.get_data(as_text=True)
    response = post("/language", {"language": "sr-Latn", "next": "/units/?x=1"})
    assert response.headers["Location"] == "/units/?x=1"
    assert db.session.get(User, user.id).language == "sr-Latn"
    assert html_lang(client.get("/", headers={"Accept-Language": "sq"})) == "sr-Latn"
    event = db.session.scalar(select(Event).where(Event.name == "user.language_changed"))
    assert event.user_id == user.id and event.before == {"language": None} and event.after == {"language": "sr-Latn"}


def test_the_switcher_refuses_an_unknown_language_and_a_foreign_form(client, post, make_user, login):
    user = make_user("viewer")
    login(user)
    assert post("/language", {"language": "de", "next": "/"}).status_code == 400
    refused = client.post("/language", data={"language": "hr", "next": "/"})  # no CSRF token
    assert refused.status_code == 400 and "The form had expired or was sent from elsewhere" in text_of(refused)
    assert db.session.get(User, user.id).language is None


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x", ""])
def test_the_switcher_goes_back_only_to_a_page_of_this_site(post, target):
    assert post("/language", {"language": "hr", "next": target}).headers["Location"] == "/"


def test_a_page_shown_after_a_post_sends_the_switcher_back_to_where_the_form_was(client, post):
    refused = post(
        "/login",
        {"email": "nobody@example.org", "password": "wrong"},
        headers={"Referer": "http://localhost/login?next=/units/"},
    )
    form = re.search(r'<form class="language-switch".*?</form>', refused.get_data(as_text=True), re.S).group()
    assert 'name="next" value="/login?next=/units/"' in form


# --- formats and plurals ---------------------------------------------------------------------


def test_dates_and_decimals_follow_the_language(app):
    day = dt.date(2026, 11, 30)
    with app.test_request_context(), force_locale(regional("en")):
        assert (date(day), decimal(1234.5)) == ("30 Nov 2026", "1,234.5")
    with app.test_request_context(), force_locale(regional("hr")):
        assert (date(day), decimal(1234.5)) == ("30. stu 2026.", "1.234,5")
    with app.test_request_context(), force_locale(regional("sq")):
        assert decimal(1234.5) == "1\xa0234,5"


def test_a_page_formats_in_the_persons_language(client, make_user, make_unit, make_assessment, login):
    unit = make_unit()
    assessment = make_assessment(unit)
    assessment.assessed_on = dt.date(2026, 11, 30)
    db.session.commit()
    login(make_user("unit_head", units=[unit]))
    assert "30 Nov 2026" in text_of(
        client.get(f"/assessments/{assessment.id}/report", headers={"Accept-Language": "en"})
    )
    assert "30. stu 2026." in text_of(
        client.get(f"/assessments/{assessment.id}/report", headers={"Accept-Language": "hr"})
    )


GAPS = ("%(num)s major gap", "%(num)s major gaps")


def test_serbian_takes_one_of_three_plural_forms_from_its_catalogue(app, catalogues):
    catalogues(
        "sr-Latn", {GAPS: ("%(num)s veliki nedostatak", "%(num)s velika nedostatka", "%(num)s velikih nedostataka")}
    )
    with app.test_request_context(), force_locale(regional("sr-Latn")):
        shown = {n: ngettext(*GAPS, n) for n in (1, 2, 5, 21, 12, 104)}
    assert shown == {
        1: "1 veliki nedostatak",
        2: "2 velika nedostatka",
        5: "5 velikih nedostataka",
        21: "21 veliki nedostatak",
        12: "12 velikih nedostataka",
        104: "104 velika nedostatka",
    }


def test_montenegrin_finds_its_catalogue_though_its_locale_is_sr_latn_me(app, catalogues):
    catalogues("cnr", {"Sign in": "Prijavite se"})
    catalogues("sr-Latn", {"Sign in": "Prijava"})
    with app.test_request_context():
        with force_locale(regional("cnr")):
            assert gettext("Sign in") == "Prijavite se"
        with force_locale(regional("sr-Latn")):
            assert gettext("Sign in") == "Prijava"
        with force_locale(regional("hr")):  # no catalogue: English
            assert gettext("Sign in") == "Sign in"


def test_a_catalogue_changed_since_it_was_compiled_is_read_from_its_po(app, catalogues, tmp_path):
    path = catalogues("bs", {"Sign in": "Prijava"})
    path.write_text(path.read_text(encoding="utf-8").replace('"Prijava"', '"Prijavi se"'), encoding="utf-8")
    mo = path.with_suffix(".mo")
    stamp = path.stat().st_mtime - 60
    import os

    os.utime(mo, (stamp, stamp))
    app.extensions.pop("catalogues", None)
    with app.test_request_context(), force_locale(regional("bs")):
        assert gettext("Sign in") == "Prijavi se"


def test_fuzzy_entries_are_not_shown(app, catalogues):
    catalogues("hr", {"Sign in": "Prijava", "Sign out": "Odjava"}, fuzzy=("Sign out",))
    with app.test_request_context(), force_locale(regional("hr")):
        assert (gettext("Sign in"), gettext("Sign out")) == ("Prijava", "Sign out")


def test_the_sign_in_page_is_in_the_chosen_language(client, post, catalogues):
    catalogues("sr-Latn", {"Sign in": "Prijava"})
    post("/language", {"language": "sr-Latn", "next": "/login"})
    page = client.get("/login")
    assert "<h1>Prijava</h1>" in page.get_data(as_text=True)


def test_the_scripts_session_warning_carries_each_plural_form_of_the_language(app, catalogues):
    warn = (
        "You will be signed out in %(min)s minute for lack of activity. Typing or saving keeps you signed in.",
        "You will be signed out in %(min)s minutes for lack of activity. Typing or saving keeps you signed in.",
    )
    catalogues(
        "sr-Latn", {warn: ("Odjava za %(min)s minut.", "Odjava za %(min)s minuta.", "Odjava za %(min)s minuta!")}
    )
    with app.test_request_context(), force_locale(regional("sr-Latn")):
        text = page_texts()["warn_idle"]
    assert text == {
        "count": "min",
        "forms": {
            "one": "Odjava za %(min)s minut.",
            "few": "Odjava za %(min)s minuta.",
            "other": "Odjava za %(min)s minuta!",
        },
    }
