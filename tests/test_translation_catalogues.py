"""The real catalogues: every interface text translated in every language, with its plural forms
and placeholders, none fuzzy, each saying how it was made; and the glossary's terms used.

A language whose catalogue directory is not there yet is skipped, saying so; a catalogue
that is there but incomplete fails.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml
from babel import Locale
from babel.messages.pofile import read_po

from app.config import REPOSITORY_ROOT
from app.domain.languages import CODES, LANGUAGES
from app.services.catalogues import NOTE_HEADER, STATUS_HEADER, TEMPLATE, TRANSLATIONS_DIR, po_header

TRANSLATED = [code for code in CODES if LANGUAGES[code].catalogue]
GLOSSARY_DIR = REPOSITORY_ROOT / "checklists" / "glossary"
#: What a catalogue may say of itself (a review recorded in the app may say more).
STATUSES = {"machine-draft", "reviewed", "reviewed_with_changes_needed"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@cache
def template() -> dict:
    with TEMPLATE.open("rb") as handle:
        return {m.id: m for m in read_po(handle) if m.id}


@cache
def catalogue(code: str) -> dict:
    with catalogue_path(code).open("rb") as handle:
        return {m.id: m for m in read_po(handle) if m.id}


def catalogue_path(code: str) -> Path:
    return TRANSLATIONS_DIR / LANGUAGES[code].catalogue / "LC_MESSAGES" / "messages.po"


def present(code: str) -> None:
    """Skip while the language's catalogue has not been merged; fail if the directory is there without it."""
    if not (TRANSLATIONS_DIR / LANGUAGES[code].catalogue).is_dir():
        pytest.skip(f"catalogue for {code} not present yet")
    assert catalogue_path(code).is_file(), f"{catalogue_path(code)} is missing from its directory"


def forms_of(message) -> list[str]:
    string = message.string
    return list(string) if isinstance(string, tuple | list) else [string]


def only_one_in_first_form(code: str) -> bool:
    """Whether the language's first plural form ("one") is for exactly 1: then it may leave the count out."""
    rule = Locale.parse(LANGUAGES[code].locale).plural_form
    return [n for n in range(200) if rule(n) == "one"] == [1]


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_interface_text_is_translated(code):
    present(code)
    translated = catalogue(code)
    missing = [
        msgid if isinstance(msgid, str) else msgid[0]
        for msgid in template()
        if msgid not in translated or not any(form.strip() for form in forms_of(translated[msgid]))
    ]
    assert not missing, f"{code}: {len(missing)} of {len(template())} messages untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_message_with_a_count_has_exactly_the_languages_plural_forms(code):
    present(code)
    plurals = LANGUAGES[code].plurals
    assert f"nplurals={plurals};" in po_header(catalogue_path(code)).get("Plural-Forms", "").replace(" ", "")
    wrong = []
    for msgid, message in catalogue(code).items():
        if msgid not in template() or not isinstance(msgid, tuple):
            continue
        forms = forms_of(message)
        if len(forms) != plurals or not all(form.strip() for form in forms):
            wrong.append(f"{msgid[0]!r}: {len(forms)} forms, {sum(1 for f in forms if f.strip())} filled")
    assert not wrong, f"{code}: {len(wrong)} plural messages without {plurals} forms: {wrong[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_translation_keeps_its_placeholders_and_formats(code):
    present(code)
    loose_first = only_one_in_first_form(code)
    wrong = []
    for msgid, message in catalogue(code).items():
        if msgid not in template():
            continue
        source = msgid[-1] if isinstance(msgid, tuple) else msgid
        names = set(PLACEHOLDER.findall(source))
        for index, form in enumerate(forms_of(message)):
            if not form:
                continue  # untranslated: the completeness test says so
            found = set(PLACEHOLDER.findall(form))
            allowed = {"num"} if isinstance(msgid, tuple) and index == 0 and loose_first else set()
            if found - names or names - found - allowed:
                wrong.append(f"{source!r} -> {form!r}")
            elif "%" in form:
                try:
                    form % {name: 1 for name in names}  # a literal percent sign must be written %%
                except (ValueError, TypeError, KeyError):
                    wrong.append(f"{source!r} -> {form!r} (a stray %)")
    assert not wrong, f"{code}: {len(wrong)} translations change their placeholders: {wrong[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_translation_is_fuzzy(code):
    present(code)
    fuzzy = [m.id for m in catalogue(code).values() if m.fuzzy and m.id in template()]
    assert not fuzzy, f"{code}: {len(fuzzy)} fuzzy entries (not shown to anyone): {fuzzy[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_catalogue_says_how_it_was_made(code):
    present(code)
    header = po_header(catalogue_path(code))
    assert header.get(STATUS_HEADER) in STATUSES, f"{code}: {STATUS_HEADER} is {header.get(STATUS_HEADER)!r}"
    assert header.get(NOTE_HEADER, "").strip(), f"{code}: no {NOTE_HEADER}"


def glossaries() -> list[Path]:
    return sorted(GLOSSARY_DIR.glob("*.yaml")) if GLOSSARY_DIR.is_dir() else []


@pytest.mark.parametrize("path", glossaries() or [None], ids=lambda p: p.stem if p else "none")
def test_each_enforced_glossary_term_is_used_wherever_its_english_term_appears(path):
    if path is None:
        pytest.skip("no glossary present yet (checklists/glossary/)")
    glossary = yaml.safe_load(path.read_text(encoding="utf-8"))
    code = glossary.get("language", path.stem)
    assert code in LANGUAGES and code == path.stem, f"{path.name}: language {code!r} is not its file's"
    assert glossary.get("status") and glossary.get("note"), f"{path.name}: say its status and note"
    present(code)
    wrong = []
    for term in glossary.get("terms") or []:
        assert term.get("en") and term.get("term") and term.get("stem"), f"{path.name}: incomplete entry {term}"
        if not term.get("enforce"):
            continue
        english = re.compile(rf"\b{re.escape(term['en'])}\b", re.IGNORECASE)
        stem = term["stem"].casefold()
        for msgid, message in catalogue(code).items():
            if msgid not in template():
                continue
            sources = msgid if isinstance(msgid, tuple) else (msgid,)
            # A placeholder's name is not text: "%(round)s" is filled with "round 2026" in the language already.
            if not any(english.search(PLACEHOLDER.sub("", source)) for source in sources):
                continue
            for form in forms_of(message):
                if form and stem not in form.casefold():
                    wrong.append(f"{term['en']!r} ({term['stem']}…): {sources[0]!r} -> {form!r}")
    assert not wrong, f"{path.name}: {len(wrong)} translations do not use the glossary's term: {wrong[:5]}"
