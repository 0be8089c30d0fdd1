"""The interface's languages: which one a person gets, the switcher on every page, each locale's
formats and plurals, the translation status shown to users and recorded by administrators,
and reports in a chosen language.

The real catalogues are written elsewhere; these tests write small ones of their own.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from babel import Locale
from babel.messages.plurals import get_plural
from flask_babel import force_locale, gettext, ngettext
from pypdf import PdfReader
from sqlalchemy import select

from app.domain.languages import CODES, LANGUAGES, browser_language, preferred_language
from app.extensions import db
from app.models import Event, IssuedReport, TranslationReview, User
from app.services.formatting import date, decimal, regional
from app.services.reporting.issuing import issue_report
from app.services.reporting.reports import render_report_pdf
from app.web.page_texts import page_texts
from tests.catalogue_files import use_catalogues as _use
from tests.catalogue_files import write_catalogue
from tests.conftest import finalise, text_of


@pytest.fixture
def catalogues(app, tmp_path):
    """Write small catalogues the app reads instead of the real ones: ``catalogues(code, {msgid: msgstr})``."""
    root = tmp_path / "translations"
    root.mkdir()
    _use(app, root)

    def add(code, messages, **header):
        path = write_catalogue(root, code, messages, **header)
        _use(app, root)
        return path

    return add


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


# --- the translation's status, shown and reviewed ------------------------------------------------


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


# --- reports in a chosen language ---------------------------------------------------------------


def pdf_text_and_fonts(pdf: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")).split("+")[-1])
    return "".join(page.extract_text() for page in reader.pages), fonts


@pytest.mark.parametrize(
    ("code", "title", "date_shown"),
    [("sr-Cyrl", "Извештај о недостацима", "30. 11. 2026."), ("sq", "Raporti i mangësive", "30 nën 2026")],
)
def test_a_report_renders_in_cyrillic_and_albanian_with_every_glyph_from_the_vendored_fonts(
    app, catalogues, make_unit, make_assessment, code, title, date_shown
):
    catalogues(code, {"Gap report": title})
    assessment = make_assessment(make_unit("KOS", name="Njësia KSI Prishtinë"))
    assessment.assessed_on = dt.date(2026, 11, 30)
    db.session.commit()
    _, english_fonts = pdf_text_and_fonts(render_report_pdf(assessment, locale="en"))
    text, fonts = pdf_text_and_fonts(render_report_pdf(assessment, locale=code))
    assert title.casefold() in text.casefold()  # the cover prints it in capitals
    assert date_shown in text and "Njësia KSI Prishtinë" in text
    # Every glyph came from the fonts the English report uses (Noto Sans, vendored; the system's
    # monospace for codes): no fallback font was needed, so none was missing.
    assert "Noto-Sans" in fonts and fonts <= english_fonts, fonts


def test_report_render_takes_a_language_and_refuses_others_naming_them(runner, make_unit, make_assessment, tmp_path):
    assessment = make_assessment(make_unit())
    out = tmp_path / "r.pdf"
    refused = runner.invoke(args=["report", "render", str(assessment.id), "-o", str(out), "--lang", "de"])
    assert refused.exit_code == 2 and not out.exists()
    assert "'de' is not a language here; choose one of en, bs, hr, cnr, sr-Latn, sr-Cyrl, sq, mk" in refused.output
    done = runner.invoke(args=["report", "render", str(assessment.id), "-o", str(out), "--lang", "hr"])
    assert done.exit_code == 0, done.output
    assert out.read_bytes().startswith(b"%PDF")


def test_issuing_records_the_language_asked_for_else_the_signing_persons(
    app, runner, make_unit, make_user, make_assessment
):
    unit = make_unit()
    head = make_user("unit_head", units=[unit], email="head@example.org")
    head.language = "mk"
    db.session.commit()
    first = finalise(make_assessment(unit, title="First"), head)
    report = issue_report(first, head)
    db.session.commit()
    assert report.language == "mk"
    second = finalise(make_assessment(unit, title="Second"), head)
    result = runner.invoke(args=["report", "issue", str(second.id), "--by", "head@example.org", "--lang", "sq"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("language sq")
    assert db.session.scalar(select(IssuedReport.language).where(IssuedReport.assessment_id == second.id)) == "sq"
    refused = runner.invoke(args=["report", "issue", str(second.id), "--lang", "xx"])
    assert refused.exit_code == 2 and "choose one of en, bs" in refused.output


def test_the_issue_form_offers_the_languages_and_records_the_one_chosen(
    client, make_unit, make_user, make_assessment, login, post
):
    unit = make_unit()
    head = make_user("unit_head", units=[unit])
    assessment = finalise(make_assessment(unit), head)
    login(head)
    results = client.get(f"/assessments/{assessment.id}", headers={"Accept-Language": "hr"}).get_data(as_text=True)
    chooser = re.search(r'<select id="issue-language".*?</select>', results, re.S).group()
    assert '<option value="hr" lang="hr" selected>Hrvatski</option>' in chooser
    post(f"/assessments/{assessment.id}/issue", {"language": "sr-Cyrl"})
    assert db.session.scalar(select(IssuedReport.language)) == "sr-Cyrl"
    assert "Српски (ћирилица)" in text_of(client.get(f"/assessments/{assessment.id}"))


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
