"""Montenegrin shares the Bosnian text: the term overlay and the derived catalogue and glossary."""

from __future__ import annotations

import pytest
import yaml
from babel.messages.pofile import read_po

from app.config import REPOSITORY_ROOT
from app.domain.term_overlay import TermOverlay, TermReplacement
from app.services.content.term_overlay import (
    OverlayFileError,
    derive_catalogue,
    derive_glossary,
    load_overlay,
)

BS_PO = REPOSITORY_ROOT / "app" / "translations" / "bs" / "LC_MESSAGES" / "messages.po"
CNR_PO = REPOSITORY_ROOT / "app" / "translations" / "cnr" / "LC_MESSAGES" / "messages.po"
BS_GLOSSARY = REPOSITORY_ROOT / "checklists" / "glossary" / "bs.yaml"
CNR_GLOSSARY = REPOSITORY_ROOT / "checklists" / "glossary" / "cnr.yaml"


def overlay(*pairs: tuple[str, str]) -> TermOverlay:
    return TermOverlay(TermReplacement(bs, cnr) for bs, cnr in pairs)


HISTORY = overlay(("historija", "istorija"), ("sigurnost", "bezbjednost"))


def test_only_whole_words_are_replaced():
    assert HISTORY.apply("Historija izmjena i historijat jedinice") == "Istorija izmjena i historijat jedinice"
    assert HISTORY.apply("prethistorija") == "prethistorija"
    assert HISTORY.apply("(historija)") == "(istorija)"


def test_the_case_of_the_replaced_word_is_kept():
    assert HISTORY.apply("historija") == "istorija"
    assert HISTORY.apply("Historija") == "Istorija"
    assert HISTORY.apply("HISTORIJA") == "ISTORIJA"
    assert HISTORY.apply("Sigurnost 1,3") == "Bezbjednost 1,3"


def test_placeholders_are_never_touched():
    text = "%(historija)s: historija {sigurnost} sigurnost %% %(n)s"
    assert HISTORY.apply(text) == "%(historija)s: istorija {sigurnost} bezbjednost %% %(n)s"


def test_the_longest_phrase_wins_and_a_protected_phrase_stays():
    codes = overlay(
        ("zakon o krivičnom postupku", "zakonik o krivičnom postupku"),
        ("Zakon o krivičnom postupku Bosne i Hercegovine", "Zakon o krivičnom postupku Bosne i Hercegovine"),
    )
    assert codes.apply("Vidjeti zakon o krivičnom postupku.") == "Vidjeti zakonik o krivičnom postupku."
    assert codes.apply("Zakon o krivičnom postupku države") == "Zakonik o krivičnom postupku države"
    named = "Zakon o krivičnom postupku Bosne i Hercegovine, član 1"
    assert codes.apply(named) == named
    assert codes.apply("zakon o\nkrivičnom  postupku") == "zakonik o krivičnom postupku"


def test_one_word_cannot_have_two_replacements():
    with pytest.raises(ValueError):
        overlay(("historija", "istorija"), ("Historija", "povijest"))


def test_an_overlay_file_that_is_not_a_list_of_pairs_is_refused(tmp_path):
    bad = tmp_path / "terms.yaml"
    bad.write_text("historija: istorija\n", encoding="utf-8")
    with pytest.raises(OverlayFileError):
        load_overlay(bad)
    bad.write_text("- bs: historija\n", encoding="utf-8")
    with pytest.raises(OverlayFileError):
        load_overlay(bad)


def test_the_montenegrin_overlay_changes_the_words_a_montenegrin_reader_expects():
    terms = load_overlay()
    assert terms.apply("Historija zahtjeva GOV-01") == "Istorija zahtjeva GOV-01"
    assert terms.apply("Sigurnost") == "Bezbjednost"
    assert terms.apply("Opće odredbe") == "Opšte odredbe"
    assert terms.apply("prema krivičnom zakonu") == "prema krivičnom zakoniku"
    assert terms.apply("Zakon o krivičnom postupku Bosne i Hercegovine") == (
        "Zakon o krivičnom postupku Bosne i Hercegovine"
    )
    assert terms.apply("Utvrđeno je sa sigurnošću.") == "Utvrđeno je sa sigurnošću."


def test_the_committed_montenegrin_catalogue_is_the_derivation_of_the_bosnian_one():
    derived = derive_catalogue(BS_PO, load_overlay())
    assert CNR_PO.read_text(encoding="utf-8") == derived, (
        "run .venv/bin/python -m app.services.content.term_overlay after changing the Bosnian catalogue"
    )


def test_the_committed_montenegrin_glossary_is_the_derivation_of_the_bosnian_one():
    assert CNR_GLOSSARY.read_text(encoding="utf-8") == derive_glossary(BS_GLOSSARY, load_overlay())


def test_the_montenegrin_catalogue_says_how_it_was_made():
    with open(CNR_PO, "rb") as handle:
        catalogue = read_po(handle)
    headers = dict(catalogue.mime_headers)
    assert headers["Language"] == "cnr"
    text = CNR_PO.read_text(encoding="utf-8")
    assert '"X-Translation-Status: machine-draft\\n"' in text
    assert (
        '"X-Translation-Note: Derived from the Bosnian catalogue with a Montenegrin term overlay; not reviewed.' in text
    )
    assert catalogue.num_plurals == 3


def test_the_montenegrin_glossary_notes_each_changed_term():
    bs = {t["en"]: t for t in yaml.safe_load(BS_GLOSSARY.read_text(encoding="utf-8"))["terms"]}
    cnr = yaml.safe_load(CNR_GLOSSARY.read_text(encoding="utf-8"))
    assert cnr["language"] == "cnr" and cnr["status"] == "machine-draft"
    changed = [t for t in cnr["terms"] if t["term"] != bs[t["en"]]["term"]]
    assert {t["en"] for t in changed} >= {"safety", "criminal procedure code"}
    for term in changed:
        assert term["note"].startswith("Montenegrin overlay:"), term["en"]
