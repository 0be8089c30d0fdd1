"""The labelled evaluation set for evidence suggestions is complete and names real requirements."""

import re
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from app.domain.loader import load_checklist_file

EVIDENCE = Path(__file__).parent / "data" / "sops" / "evidence"
CHECKLIST = Path(__file__).resolve().parents[1] / "checklists" / "csi-sop-enfsi.yaml"
SOPS = ("en-scene-sop", "sr-scene-sop")

SECTION = re.compile(r"^## (\d+\.\d+) +\S", re.MULTILINE)


@lru_cache(maxsize=1)
def requirement_ids() -> frozenset[str]:
    """Every requirement id of the shipped checklist."""
    checklist, _ = load_checklist_file(CHECKLIST)
    return frozenset(r.id for s in checklist.sections for r in s.requirements)


def sections_of(text: str) -> list[str]:
    """The numbers ("3.2") of the SOP's sections, in order."""
    return SECTION.findall(text)


def read_sop(stem: str) -> str:
    """The text of one SOP of the set."""
    return (EVIDENCE / f"{stem}.md").read_text(encoding="utf-8")


def read_labels(stem: str) -> dict:
    """The labels of one SOP: section number to requirement ids."""
    return yaml.safe_load((EVIDENCE / f"{stem}.labels.yaml").read_text(encoding="utf-8"))


def unknown_labels(labels: dict, known: frozenset[str]) -> list[tuple[str, str]]:
    """(section, label) pairs whose label is not a requirement id."""
    return [(section, label) for section, ids in labels.items() for label in ids if label not in known]


def unlabelled_sections(sections: list[str], labels: dict) -> list[str]:
    """Sections of the SOP that have no entry in the labels file."""
    return [number for number in sections if number not in labels]


@pytest.mark.parametrize("stem", SOPS)
def test_sop_has_at_least_forty_numbered_sections_each_used_once(stem):
    numbers = sections_of(read_sop(stem))
    assert len(numbers) >= 40
    assert len(set(numbers)) == len(numbers), "a section number is used twice"


@pytest.mark.parametrize("stem", SOPS)
def test_every_section_has_a_labels_entry_and_every_entry_a_section(stem):
    numbers = sections_of(read_sop(stem))
    labels = read_labels(stem)
    assert all(isinstance(key, str) for key in labels), "quote section keys: 8.10 unquoted reads as 8.1"
    assert all(isinstance(ids, list) for ids in labels.values())
    assert unlabelled_sections(numbers, labels) == []
    assert sorted(set(labels) - set(numbers)) == []


@pytest.mark.parametrize("stem", SOPS)
def test_every_label_is_a_requirement_of_the_shipped_checklist(stem):
    assert unknown_labels(read_labels(stem), requirement_ids()) == []


@pytest.mark.parametrize("stem", SOPS)
def test_sop_answers_at_least_forty_distinct_requirements(stem):
    answered = {label for ids in read_labels(stem).values() for label in ids}
    assert len(answered) >= 40


@pytest.mark.parametrize("stem", SOPS)
def test_sop_has_sections_that_answer_nothing(stem):
    assert any(ids == [] for ids in read_labels(stem).values())


def test_a_made_up_label_and_a_missing_section_are_caught():
    labels = yaml.safe_load('"1.1": [GOV-01, GOV-99]\n"1.2": [gov-02]\n')
    assert unknown_labels(labels, requirement_ids()) == [("1.1", "GOV-99"), ("1.2", "gov-02")]
    text = "# 1 Chapter\n\n## 1.1 Scope\n\nText.\n\n## 1.2 Posts\n\nText.\n\n## 1.3 Leave\n\nText.\n"
    assert unlabelled_sections(sections_of(text), labels) == ["1.3"]


def test_an_unquoted_section_key_is_not_a_string():
    labels = yaml.safe_load("8.10: []\n")
    assert list(labels) == [8.1]
