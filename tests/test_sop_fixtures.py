"""The three fictional SOPs scored for the agreement measure are whole manuals a scorer can use."""

import re
from pathlib import Path

import pytest

SOPS = Path(__file__).parent / "data" / "sops"
LEVELS = ("weak", "middling", "strong")

NUMBERED_SECTION = re.compile(r"^#{2,4} (\d+(?:\.\d+)+)\.? +\S", re.MULTILINE)
DOCUMENT_CODE = re.compile(r"^\*\*Document code:\*\* *([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+) *$", re.MULTILINE)
VERSION = re.compile(r"^\*\*Version:\*\* *\d+\.\d+\b", re.MULTILINE)
UNIT = re.compile(r"^\*\*Unit:\*\* *\S", re.MULTILINE)
COUNTRY = re.compile(r"^\*\*Country:\*\* *.+\(fictional\)", re.MULTILINE)


def read_sop(level: str) -> str:
    """Return the text of one fixture SOP."""
    return (SOPS / f"{level}.md").read_text(encoding="utf-8")


def numbered_sections(text: str) -> list[str]:
    """Return the numbers of the numbered sections ("4.3") in the order they appear."""
    return NUMBERED_SECTION.findall(text)


@pytest.mark.parametrize("level", LEVELS)
def test_sop_has_at_least_thirty_numbered_sections(level):
    assert len(numbered_sections(read_sop(level))) >= 30


@pytest.mark.parametrize("level", LEVELS)
def test_sop_section_numbers_are_unique_and_in_order(level):
    numbers = numbered_sections(read_sop(level))
    keys = [tuple(int(part) for part in number.split(".")) for number in numbers]
    assert len(set(numbers)) == len(numbers), "a section number is used twice"
    assert keys == sorted(keys), "section numbers go backwards"


@pytest.mark.parametrize("level", LEVELS)
def test_sop_names_its_document_code_version_unit_and_fictional_country(level):
    text = read_sop(level)
    assert DOCUMENT_CODE.search(text), "no document code such as LPA-KP-UP-07"
    assert VERSION.search(text)
    assert UNIT.search(text)
    assert COUNTRY.search(text)


def test_each_sop_has_its_own_document_code():
    codes = [DOCUMENT_CODE.search(read_sop(level)).group(1) for level in LEVELS]
    assert len(set(codes)) == len(codes)


def test_a_file_without_numbered_sections_or_code_is_caught():
    text = "# Procedure\n\n## General\n\nOfficers should take care.\n\nDocument code LPA 7\n"
    assert numbered_sections(text) == []
    assert DOCUMENT_CODE.search(text) is None


@pytest.mark.parametrize("level", LEVELS)
def test_sop_length_is_that_of_a_real_manual(level):
    words = len(read_sop(level).split())
    assert 3_500 <= words <= 9_000
