"""The shipped checklist: valid, complete, referenced, and free of near-duplicates."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from app.domain.coverage import ACCREDITATION_SOURCES, coverage_matrix, uncited_clauses
from app.domain.loader import load_checklist_file

SHIPPED = Path(__file__).resolve().parent.parent / "checklists" / "csi-sop-enfsi.yaml"
CHECKLIST, _ = load_checklist_file(SHIPPED)  # raises on any schema or semantic problem
ALL = list(CHECKLIST.requirements(["firearms"]))
CORE = [r for r in ALL if r.module is None]
FIREARMS = [r for r in ALL if r.module == "firearms"]

OUTLINE = [
    "GOV",
    "MGT",
    "PER",
    "EQP",
    "INI",
    "HSE",
    "STR",
    "REC",
    "CON",
    "RCV",
    "CUS",
    "MET",
    "QAC",
    "REP",
    "NCW",
    "DIG",
]
STOPWORDS = set(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "and",
        "or",
        "in",
        "on",
        "for",
        "by",
        "with",
        "is",
        "are",
        "be",
        "that",
        "this",
        "its",
        "it",
        "as",
        "at",
        "from",
        "each",
        "every",
        "which",
        "who",
        "when",
        "where",
        "sop",
        "requires",
        "defines",
        "sets",
        "names",
        "unit",
    ]
)


def words(text) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", str(text).lower()) if w not in STOPWORDS}


def test_core_has_the_sixteen_outline_sections_in_order_and_enough_requirements():
    core_sections = [s.id for s in CHECKLIST.sections if s.module is None]
    assert core_sections == OUTLINE
    assert len(CORE) >= 140
    assert all(len(s.requirements) >= 3 for s in CHECKLIST.sections)


def test_firearms_module_is_selectable_and_complete():
    assert [m.id for m in CHECKLIST.modules] == ["firearms"]
    assert len(FIREARMS) >= 30
    text = " ".join(str(r.statement) + " " + str(r.guidance) for r in FIREARMS).lower()
    for topic in (
        "loaded",
        "serial",
        "obliterat",
        "alarm",
        "gunshot residue",
        "iarms",
        "focal point",
        "3d",
        "printer",
        "g-code",
    ):
        assert topic in text, topic


@pytest.mark.parametrize("requirement", ALL, ids=lambda r: r.id)
def test_every_requirement_is_complete(requirement):
    assert re.fullmatch(rf"{requirement.section_id}-\d{{2}}", requirement.id)
    assert re.match(r"The (SOP|quality manual|unit)", str(requirement.statement)), requirement.statement
    assert requirement.guidance and len(str(requirement.guidance)) > 80
    assert len(requirement.evidence) >= 2
    assert requirement.references
    assert sorted(requirement.recommendations) == [0, 1, 2]
    texts = [str(requirement.recommendations[k]) for k in (0, 1, 2)]
    assert len(set(texts)) == 3, "each level needs its own recommendation"
    assert str(requirement.statement) not in texts


def test_no_two_statements_are_near_duplicates():
    similar = []
    for a, b in itertools.combinations(ALL, 2):
        wa, wb = words(a.statement), words(b.statement)
        if len(wa & wb) / len(wa | wb) >= 0.5:
            similar.append((a.id, b.id))
    assert similar == []


def test_criticality_mix_is_plausible_per_section():
    for section in CHECKLIST.sections:
        assert any(r.criticality in ("essential", "important") for r in section.requirements), section.id


def test_every_tracked_iso17020_and_enfsi_soc_clause_is_cited():
    assert uncited_clauses(CHECKLIST, ACCREDITATION_SOURCES) == []


def test_every_declared_source_is_cited_and_unconfirmed_editions_say_so():
    cited = {row.source for row in coverage_matrix(CHECKLIST) if row.requirements}
    assert cited == {s.id for s in CHECKLIST.sources}
    enfsi = CHECKLIST.source("ENFSI-SOC")
    assert "not confirmed" in enfsi.edition
    for source in CHECKLIST.sources:
        assert source.edition, source.id
