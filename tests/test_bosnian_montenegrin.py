"""The Bosnian and Montenegrin interface: every message translated, and the glossary's terms kept."""

from __future__ import annotations

import re

import pytest
import yaml
from babel.messages.pofile import read_po

from app.config import REPOSITORY_ROOT

TEMPLATE = REPOSITORY_ROOT / "app" / "translations" / "messages.pot"
LANGUAGES = {"bs": "bs", "cnr": "cnr"}  # glossary code -> catalogue directory
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%%|\{[a-z_]+\}")


def catalogue(directory: str):
    with open(REPOSITORY_ROOT / "app" / "translations" / directory / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def english(message) -> str:
    return " ".join(message.id) if isinstance(message.id, (list, tuple)) else message.id


@pytest.mark.parametrize("directory", sorted(LANGUAGES.values()))
def test_every_message_of_the_template_is_translated_with_its_placeholders(directory):
    with open(TEMPLATE, "rb") as handle:
        template = read_po(handle)
    translated = catalogue(directory)
    assert translated.num_plurals == 3
    missing, broken = [], []
    for wanted in template:
        if not wanted.id:
            continue
        message = translated.get(wanted.id, context=wanted.context)
        if message is None or message.fuzzy or not all(forms(message)):
            missing.append(english(wanted)[:60])
            continue
        if wanted.pluralizable and len(forms(message)) != 3:
            broken.append(f"{english(wanted)[:60]}: {len(forms(message))} forms")
        expected = set(PLACEHOLDER.findall(english(wanted)))
        for form in forms(message):
            if set(PLACEHOLDER.findall(form)) != expected:
                broken.append(f"{english(wanted)[:60]}: {form[:60]}")
    assert not missing, missing[:10]
    assert not broken, broken[:10]


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_the_glossary_terms_are_used_wherever_the_english_uses_them(code):
    glossary = yaml.safe_load((REPOSITORY_ROOT / "checklists" / "glossary" / f"{code}.yaml").read_text("utf-8"))
    assert glossary["language"] == code
    assert glossary["status"] == "machine-draft"
    assert 40 <= len(glossary["terms"]) <= 80
    messages = [(PLACEHOLDER.sub(" ", english(m)), forms(m)) for m in catalogue(LANGUAGES[code]) if m.id]
    failures = []
    for term in glossary["terms"]:
        assert term["stem"].casefold() in term["term"].casefold(), term["en"]
        if not term["enforce"]:
            continue
        used = re.compile(r"(?<!\w)" + re.escape(term["en"]) + r"(?!\w)", re.IGNORECASE)
        for text, translations in messages:
            if used.search(text) and not all(term["stem"].casefold() in t.casefold() for t in translations):
                failures.append(f"{term['en']} -> {term['stem']}: {text[:60]}")
    assert not failures, failures[:10]
