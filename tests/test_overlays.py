"""Checklist translations as overlays: merged into the texts, outside the content an assessment pins."""

from __future__ import annotations

import functools
import json
import re
import sys
import types
from html import unescape
from pathlib import Path

import pytest
from flask_babel import refresh

from app.domain.loader import content_hash, load_checklist_file
from app.domain.overlay_writer import derived_overlay
from app.domain.overlays import (
    OVERLAY_LANGUAGES,
    REQUIRED_FIELDS,
    SCHEMA_PATH,
    FieldKey,
    check_overlay,
    load_overlay_file,
    source_hash,
    translatable_fields,
)
from app.domain.text import Text, active_language
from app.domain.translated_checklist import with_overlays
from app.services.content.checklists import checklist_of
from tests.conftest import DATA, MINI, text_of

OVERLAY = DATA / "translations" / "mini.1.0.0.sr-Latn.yaml"
CHECKLISTS = Path(__file__).resolve().parents[1] / "checklists"
SHIPPED = CHECKLISTS / "csi-sop-enfsi.yaml"
SERBIAN = CHECKLISTS / "translations" / "csi-sop-enfsi.2.1.1.sr-Latn.yaml"

STATEMENT_EN = "The SOP requires the essential thing to be done and recorded."
STATEMENT_SR = "SOP zahteva da se bitna stvar uradi i evidentira."


@pytest.fixture
def in_language():
    """Set the language checklist text is shown in, as a request or a report render does."""
    tokens = []

    def use(language):
        tokens.append(active_language.set(language))

    yield use
    for token in reversed(tokens):
        active_language.reset(token)


@pytest.fixture
def translated_mini(app, mini_version):
    """The stored mini checklist, with tests/data/translations beside the checklists of this app."""
    app.config["CHECKLISTS_DIR"] = str(DATA)
    return mini_version


def _copy(tmp_path: Path, *, checklist_text: str | None = None, overlay_text: str | None = None) -> tuple[Path, Path]:
    """A checklist and its overlay in a folder of their own, either rewritten."""
    (tmp_path / "translations").mkdir(exist_ok=True)
    checklist = tmp_path / "mini.yaml"
    checklist.write_text(checklist_text or MINI.read_text(encoding="utf-8"), encoding="utf-8")
    version = re.search(r'version: "([0-9.]+)"', checklist.read_text(encoding="utf-8"))[1]
    overlay = tmp_path / "translations" / f"mini.{version}.sr-Latn.yaml"
    overlay.write_text(overlay_text or OVERLAY.read_text(encoding="utf-8"), encoding="utf-8")
    return checklist, overlay


# --- merging ---------------------------------------------------------------------------------


def test_an_overlay_gives_the_statement_in_serbian_when_serbian_is_asked_for_and_english_otherwise(in_language):
    checklist = with_overlays(load_checklist_file(MINI)[0], [load_overlay_file(OVERLAY)])
    statement = checklist.requirement("AAA-01").statement
    in_language("sr-Latn")
    assert str(statement) == STATEMENT_SR and str(checklist.section("FFF").title) == "Odeljak o vatrenom oružju"
    in_language("en-GB")
    assert str(statement) == STATEMENT_EN
    in_language(None)
    assert str(statement) == STATEMENT_EN
    in_language("sr-Cyrl")  # another script is never shown for this one
    assert str(statement) == STATEMENT_EN and statement.falls_back("sr-Cyrl")


def test_a_field_without_translation_falls_back_to_english_and_says_so():
    checklist = with_overlays(load_checklist_file(MINI)[0], [load_overlay_file(OVERLAY)])
    guidance = checklist.requirement("AAA-01").guidance
    statement = checklist.requirement("AAA-01").statement
    assert guidance.in_language("sr-Latn") == "Look for the record." and guidance.falls_back("sr-Latn")
    assert not statement.falls_back("sr-Latn") and statement.is_translation("sr-Latn")
    assert not statement.falls_back("en-GB") and not statement.falls_back(None)
    assert statement.translated_languages == ("sr-Latn",)


def test_overlays_leave_the_content_its_hash_and_the_stored_version_as_they_were(translated_mini, in_language):
    stored_document = json.dumps(translated_mini.document, sort_keys=True)
    checklist = checklist_of(translated_mini)
    in_language("sr-Latn")
    assert str(checklist.requirement("AAA-01").statement) == STATEMENT_SR  # the overlay is merged
    plain = load_checklist_file(MINI)[0]
    assert checklist.content_hash == translated_mini.content_hash == plain.content_hash
    assert content_hash(checklist.document) == translated_mini.content_hash
    assert json.dumps(translated_mini.document, sort_keys=True) == stored_document
    assert checklist == plain  # equality is the content's: the translation is no part of it
    assert checklist.requirement("AAA-01").statement.as_data() == STATEMENT_EN


def test_a_stale_entry_is_not_shown(tmp_path, in_language):
    changed = MINI.read_text(encoding="utf-8").replace("to be done and recorded.", "to be done, recorded and checked.")
    checklist_path, overlay_path = _copy(tmp_path, checklist_text=changed)
    checklist = load_checklist_file(checklist_path)[0]
    overlay_path.write_text(
        overlay_path.read_text(encoding="utf-8").replace(
            load_checklist_file(MINI)[0].content_hash, checklist.content_hash
        ),
        encoding="utf-8",
    )
    merged = with_overlays(checklist, [load_overlay_file(overlay_path)])
    in_language("sr-Latn")
    assert (
        str(merged.requirement("AAA-01").statement)
        == "The SOP requires the essential thing to be done, recorded and checked."
    )
    assert (
        str(merged.requirement("AAA-02").statement) == "SOP određuje ko obavlja važnu stvar."
    )  # untouched, still current


def test_text_equality_and_data_ignore_translations():
    plain = Text.of("Seal the bag.", "en")
    translated = plain.with_translations({"sr-Latn": "Zapečatiti kesu."})
    assert translated == plain and hash(translated) == hash(plain)
    assert translated.as_data() == "Seal the bag." and translated.languages == ("en", "sr-Latn")
    assert translated.in_language("sr_Latn") == "Zapečatiti kesu."


# --- flask checklists validate -----------------------------------------------------------------


def test_validate_flags_an_entry_made_for_an_older_english_text_as_stale(runner, tmp_path):
    bumped = (
        MINI.read_text(encoding="utf-8")
        .replace('version: "1.0.0"', 'version: "1.1.0"')
        .replace("to be done and recorded.", "to be done, recorded and checked.")
    )
    checklist_path, overlay_path = _copy(tmp_path, checklist_text=bumped)
    new_hash = load_checklist_file(checklist_path)[0].content_hash
    carried = (
        OVERLAY.read_text(encoding="utf-8")
        .replace("version: 1.0.0", "version: 1.1.0")
        .replace(load_checklist_file(MINI)[0].content_hash, new_hash)
    )  # the translator carried the overlay forward to the new version
    overlay_path.write_text(carried, encoding="utf-8")
    result = runner.invoke(args=["checklists", "validate", str(checklist_path)])
    assert result.exit_code == 1, result.output
    stale = [line for line in result.output.splitlines() if "stale:" in line and line.startswith(str(overlay_path))]
    assert stale == [f"{overlay_path}:28: AAA-01: statement: stale: made for an older English text"]
    assert "1 stale" in result.output and "Traceback" not in result.output


def test_validate_counts_missing_translations_as_warnings_and_lists_them_when_asked(runner):
    result = runner.invoke(args=["checklists", "validate", str(MINI)])
    assert result.exit_code == 0, result.output
    assert f"{OVERLAY}: sr-Latn (machine-draft): 29 of 30 required fields translated; 1 missing" in result.output
    assert "list them with --missing" in result.output
    listed = runner.invoke(args=["checklists", "validate", "--missing", str(MINI)])
    assert listed.exit_code == 0
    assert f"{OVERLAY}: FFF-02: recommendations.0: missing" in listed.output.splitlines()


def test_a_malformed_overlay_is_one_line_naming_the_file_and_the_id(runner, tmp_path):
    broken = OVERLAY.read_text(encoding="utf-8").replace("      source: 29f77dd8d71e\n", "", 1)
    checklist_path, overlay_path = _copy(tmp_path, overlay_text=broken)
    result = runner.invoke(args=["checklists", "validate", str(checklist_path)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith(str(overlay_path))]
    assert len(errors) == 1 and ": AAA-02: " in errors[0] and "source" in errors[0], result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("source_hash: 864c", "source_hash: 964c"),
            "mini: made for the content 964cd01347a4, but mini@1.0.0 is 864cd01347a4",
        ),
        (("  FFF-02:\n", "  FFF-09:\n"), "FFF-09: title: no requirement FFF-09 in mini@1.0.0"),
        (
            ("      1:\n        source: 9e84c2de3fdb", "      3:\n        source: 9e84c2de3fdb"),
            "FFF-01: recommendations.3: the checklist has no such field",
        ),
    ],
)
def test_an_overlay_for_other_content_or_for_what_the_checklist_lacks_is_an_error(runner, tmp_path, change, message):
    checklist_path, overlay_path = _copy(tmp_path, overlay_text=OVERLAY.read_text(encoding="utf-8").replace(*change))
    result = runner.invoke(args=["checklists", "validate", str(checklist_path)])
    assert result.exit_code == 1
    assert any(line.startswith(str(overlay_path)) and message in line for line in result.output.splitlines()), (
        result.output
    )


def test_the_schema_names_the_applications_overlay_languages():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert tuple(schema["properties"]["language"]["enum"]) == OVERLAY_LANGUAGES


def test_translation_status_prints_each_language_with_its_counts_and_status(runner):
    result = runner.invoke(args=["checklists", "translation-status", str(MINI)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "mini@1.0.0 (content 864cd01347a4)"
    assert any(
        line.startswith("sr-Latn: machine-draft: 29 of 30 required fields translated (97%), 0 stale; 0 of 4 others")
        for line in lines
    )
    assert "hr: no overlay: every text shows in English; no review recorded" in lines


# --- the page -----------------------------------------------------------------------------------


def test_a_scoring_page_in_serbian_shows_the_serbian_statement_and_marks_the_english_guidance(
    app, client, translated_mini, make_unit, make_user, login, make_assessment
):
    unit = make_unit("SRB")
    login(make_user("unit_head", units=[unit]))
    assessment = make_assessment(unit)
    refresh()  # the test holds one app context: forget the language of the sign-in request
    page = client.get(f"/assessments/{assessment.id}/score?section=AAA", headers={"Accept-Language": "sr-Latn"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<p class="statement">{STATEMENT_SR}</p>' in html and "Odeljak alfa" in text_of(page)
    card = re.search(r'<details class="guidance" data-on-demand>.*?</details>', html, re.S)[0]
    assert "Look for the record." not in card  # the guidance comes when the card's details is opened
    refresh()
    link = unescape(re.search(r'href="([^"]+)"', card)[1])
    fragment = client.get(link, headers={"Accept-Language": "sr-Latn", "X-Fragment": "1"}).get_data(as_text=True)
    assert '<span lang="en">Look for the record.</span>' in fragment and 'class="fallback-mark"' in fragment
    assert "engleski" in fragment  # the marker names the language in the reader's own
    refresh()
    english = client.get(f"/assessments/{assessment.id}/score?section=AAA", headers={"Accept-Language": "en"})
    assert STATEMENT_EN in english.get_data(as_text=True) and "fallback-mark" not in english.get_data(as_text=True)


# --- Serbian Cyrillic, derived ------------------------------------------------------------------


def _latin_to_cyrillic_for_this_test(text: str) -> str:
    """A minimal stand-in for app.domain.transliteration (written by another change): letters only."""
    pairs = {"lj": "љ", "nj": "њ", "dž": "џ", "Lj": "Љ", "Nj": "Њ", "Dž": "Џ"}
    single = dict(
        zip(
            "abvgdđežzijklmnoprstćufhcčšABVGDĐEŽZIJKLMNOPRSTĆUFHCČŠ",
            "абвгдђежзијклмнопрстћуфхцчшАБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШ",
            strict=True,
        )
    )
    out = []
    for word in re.split(r"(\W+)", text):  # codes such as SOP and ISO keep their Latin letters
        if word.isupper() and len(word) > 1:
            out.append(word)
            continue
        out.append(_letters(word, pairs, single))
    return "".join(out)


def _letters(text: str, pairs: dict, single: dict) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i : i + 2] in pairs:
            out.append(pairs[text[i : i + 2]])
            i += 2
        else:
            out.append(single.get(text[i], text[i]))
            i += 1
    return "".join(out)


def test_derive_cyrillic_writes_the_serbian_cyrillic_overlay_from_the_latin_one(
    app, runner, tmp_path, monkeypatch, in_language
):
    module = types.ModuleType("app.domain.transliteration")
    module.latin_to_cyrillic = _latin_to_cyrillic_for_this_test
    monkeypatch.setitem(sys.modules, "app.domain.transliteration", module)
    checklist_path, latin_path = _copy(tmp_path)
    result = runner.invoke(args=["checklists", "derive-cyrillic", str(latin_path)])
    assert result.exit_code == 0, result.output
    cyrillic = load_overlay_file(latin_path.with_name("mini.1.0.0.sr-Cyrl.yaml"))
    latin = load_overlay_file(latin_path)
    assert (cyrillic.language, cyrillic.derived_from, cyrillic.status) == ("sr-Cyrl", "sr-Latn", "machine-draft")
    assert {k: e.source for k, e in cyrillic.entries.items()} == {k: e.source for k, e in latin.entries.items()}
    checklist = with_overlays(load_checklist_file(checklist_path)[0], [latin, cyrillic])
    in_language("sr-Cyrl")
    assert str(checklist.requirement("AAA-01").statement) == "SOP захтева да се битна ствар уради и евидентира."
    assert [str(f) for f in check_overlay(cyrillic, checklist) if f.error] == []
    assert derived_overlay(latin, "sr-Cyrl", _latin_to_cyrillic_for_this_test)["derived_from"] == "sr-Latn"


# --- the shipped Serbian overlay -----------------------------------------------------------------


@functools.cache
def _shipped_checklist():
    return load_checklist_file(SHIPPED)[0]


@functools.cache
def _shipped_overlay(code: str):
    """A shipped overlay, parsed once for this module (a full one takes about a second)."""
    return load_overlay_file(CHECKLISTS / "translations" / f"csi-sop-enfsi.{_shipped_checklist().version}.{code}.yaml")


@pytest.mark.parametrize("language", OVERLAY_LANGUAGES)
def test_each_languages_shipped_overlay_translates_every_required_field_and_none_is_stale(language):
    checklist = _shipped_checklist()
    overlay = _shipped_overlay(language)
    assert (overlay.ref, overlay.source_hash, overlay.status) == (
        checklist.ref,
        checklist.content_hash,
        "machine-draft",
    )
    assert "machine assistance" in overlay.note and "not yet reviewed" in overlay.note
    assert [str(f) for f in check_overlay(overlay, checklist) if f.error] == []
    fields = translatable_fields(checklist)
    required = [k for k in fields if k.field in REQUIRED_FIELDS[k.kind]]
    assert len(required) > 3900
    assert [f"{k.id} {k.path}" for k in required if k not in overlay.entries] == []
    # Nothing left in English: a text the same as its English is only a code or a name.
    same = [k for k in required if overlay.entries[k].text == fields[k].source and len(fields[k].source.split()) > 2]
    assert same == []
    assert (
        source_hash(fields[FieldKey("requirement", "GOV-01", "title")].source)
        == overlay.entries[FieldKey("requirement", "GOV-01", "title")].source
    )


def test_the_written_and_the_derived_overlays_say_which_is_which():
    derived = {code: _shipped_overlay(code).derived_from for code in OVERLAY_LANGUAGES}
    assert derived == {
        "bs": "sr-Latn",
        "hr": "sr-Latn",
        "cnr": "sr-Latn",
        "sr-Latn": None,
        "sr-Cyrl": "sr-Latn",
        "sq": None,
        "mk": None,
    }


def test_the_shipped_cyrillic_and_macedonian_overlays_are_in_cyrillic_and_albanian_in_latin():
    for code, cyrillic in (("sr-Cyrl", True), ("mk", True), ("sq", False), ("hr", False)):
        text = " ".join(e.text for e in _shipped_overlay(code).entries.values())
        letters = re.sub(r"\b[A-Z][A-Za-z0-9]*\b", "", text)  # codes, acronyms and names such as ISO, SOP, iARMS
        share = len(re.findall(r"[\u0400-\u04ff]", letters)) / max(1, len(re.findall(r"[^\W\d_]", letters)))
        assert (share > 0.97) if cyrillic else (share == 0), (code, share)


def test_the_shipped_overlays_validate(shipped_validation):
    result = shipped_validation
    assert result.exit_code == 0, result.output
    for code in OVERLAY_LANGUAGES:
        assert f".{code}.yaml: {code} (machine-draft): 3,924 of 3,924 required fields translated" in result.output


# --- merging translators' section files -------------------------------------------------------------


def test_merge_translation_writes_a_new_overlay_with_each_texts_source_hash(runner, tmp_path):
    checklist, _overlay = _copy(tmp_path)
    _overlay.unlink()
    section = tmp_path / "AAA.yaml"
    section.write_text(
        "section: AAA\ntitle: Seksioni alfa\nrequirements:\n  AAA-01:\n    title: Gjëja thelbësore\n"
        "    recommendations:\n      0: Shkruani procedurën thelbësore.\n",
        encoding="utf-8",
    )
    args = ["checklists", "merge-translation", "sq", str(section), "--checklist", str(checklist)]
    refused = runner.invoke(args=args)
    assert refused.exit_code == 1 and "mini.1.0.0.sq.yaml is new: say how it was made with --note" in refused.output
    done = runner.invoke(args=[*args, "--note", "Drafted for a test."])
    assert done.exit_code == 0, done.output
    assert "3 texts merged from 1 file(s); 3 of " in done.output
    written = load_overlay_file(tmp_path / "translations" / "mini.1.0.0.sq.yaml")
    assert written.status == "machine-draft" and written.note == "Drafted for a test."
    entry = written.entries[FieldKey("requirement", "AAA-01", "recommendations.0")]
    assert entry.text == "Shkruani procedurën thelbësore."
    assert entry.source == source_hash("Write the essential procedure.")
    validated = runner.invoke(args=["checklists", "validate", str(checklist)])
    assert validated.exit_code == 0 and "sq (machine-draft)" in validated.output


def test_merge_translation_keeps_the_entries_it_does_not_touch_and_refuses_what_the_checklist_lacks(runner, tmp_path):
    checklist, overlay = _copy(tmp_path)
    before = load_overlay_file(overlay).entries
    section = tmp_path / "BBB.yaml"
    section.write_text(
        "section: BBB\nrequirements:\n  BBB-01:\n    recommendations:\n      0: Uvesti potpisane pečate.\n",
        encoding="utf-8",
    )
    done = runner.invoke(
        args=["checklists", "merge-translation", "sr-Latn", str(section), "--checklist", str(checklist)]
    )
    assert done.exit_code == 0, done.output
    after = load_overlay_file(overlay).entries
    replaced = FieldKey("requirement", "BBB-01", "recommendations.0")
    assert before[replaced].text != "Uvesti potpisane pečate." == after[replaced].text
    assert all(after[key].text == entry.text for key, entry in before.items() if key != replaced)
    assert overlay.read_text(encoding="utf-8").startswith("# Serbian Latin overlay of tests/data/mini.yaml")
    section.write_text("section: BBB\nrequirements:\n  BBB-99:\n    title: Nešto\n", encoding="utf-8")
    unknown = runner.invoke(
        args=["checklists", "merge-translation", "sr-Latn", str(section), "--checklist", str(checklist)]
    )
    assert unknown.exit_code == 1 and "has no field BBB-99 title" in unknown.output
    section.write_text("section: BBB\nrequirements:\n  BBB-01:\n    elements: Nije lista\n", encoding="utf-8")
    malformed = runner.invoke(
        args=["checklists", "merge-translation", "sr-Latn", str(section), "--checklist", str(checklist)]
    )
    assert malformed.exit_code == 1 and "BBB-01: 'elements' must be a list" in malformed.output
    derived = runner.invoke(
        args=["checklists", "merge-translation", "sr-Cyrl", str(section), "--checklist", str(checklist)]
    )
    assert derived.exit_code == 1 and "Serbian Cyrillic is derived" in derived.output


# --- Bosnian, Croatian and Montenegrin, derived by term overlays ------------------------------------


def test_derive_variants_writes_bosnian_croatian_and_montenegrin_from_the_serbian_text(runner, tmp_path, in_language):
    checklist_path, latin_path = _copy(tmp_path)
    terms = tmp_path / "translations" / "terms"
    terms.mkdir()
    (terms / "sr-Latn.bs.yaml").write_text(
        "- {sr-Latn: zahteva, bs: zahtijeva, note: ijekavian}\n- {sr-Latn: odeljak, bs: odjeljak, note: ijekavian}\n",
        encoding="utf-8",
    )
    (terms / "bs.hr.yaml").write_text("- {bs: uradi, hr: učini, note: Croatian}\n", encoding="utf-8")
    result = runner.invoke(args=["checklists", "derive-variants", str(latin_path)])
    assert result.exit_code == 0, result.output
    latin = load_overlay_file(latin_path)
    derived = {code: load_overlay_file(latin_path.with_name(f"mini.1.0.0.{code}.yaml")) for code in ("bs", "hr", "cnr")}
    for overlay in derived.values():
        assert (overlay.derived_from, overlay.status) == ("sr-Latn", "machine-draft")
        assert "term overlays" in overlay.note and "never edited by hand" in overlay.note
        assert {k: e.source for k, e in overlay.entries.items()} == {k: e.source for k, e in latin.entries.items()}
    checklist = with_overlays(load_checklist_file(checklist_path)[0], [latin, *derived.values()])
    statement = checklist.requirement("AAA-01").statement
    assert statement.in_language("bs") == "SOP zahtijeva da se bitna stvar uradi i evidentira."
    assert statement.in_language("hr") == "SOP zahtijeva da se bitna stvar učini i evidentira."  # bs, then Croatian
    assert statement.in_language("cnr") == "SOP zahtijeva da se bitna stvar uradi i evidentira."
    assert checklist.section("AAA").title.in_language("bs") == "Odjeljak alfa"  # the case kept
    assert statement.in_language("sr-Latn") == STATEMENT_SR
    for overlay in derived.values():
        assert [str(f) for f in check_overlay(overlay, checklist) if f.error] == []
    (terms / "bs.hr.yaml").write_text("- {bs: uradi}\n", encoding="utf-8")
    broken = runner.invoke(args=["checklists", "derive-variants", str(latin_path)])
    assert broken.exit_code == 1 and "entry 1 needs a bs and a hr text" in broken.output


def test_a_parsed_overlay_is_kept_in_the_instance_cache_and_a_broken_cache_file_is_parsed_again(
    app, translated_mini, in_language
):
    from app.services.content import checklist_translations
    from app.services.content.checklists import checklist_of

    checklist_translations._merged.clear()
    checklist_of(translated_mini)
    cached = list((Path(app.instance_path) / "cache" / "overlays").glob("*.pickle"))
    assert len(cached) == 1
    cached[0].write_bytes(b"not a pickle")
    checklist_translations._merged.clear()
    in_language("sr-Latn")
    assert str(checklist_of(translated_mini).requirement("AAA-01").statement) == STATEMENT_SR
    assert cached[0].read_bytes() != b"not a pickle"  # replaced by the overlay parsed again
