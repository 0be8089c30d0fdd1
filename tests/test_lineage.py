"""Lineage: what becomes of each requirement of an earlier checklist version in a later one."""

from __future__ import annotations

import pytest

from app.domain.lineage import NEAR_IDENTICAL, EarlierAnswer, Kind, lineage, merge
from app.domain.loader import ChecklistInvalid, parse_checklist
from app.domain.scoring import Answer
from tests.conftest import DATA, MINI

MINI_2 = DATA / "mini-2.yaml"


def test_each_later_requirement_knows_where_its_answer_comes_from():
    found = lineage(parse_checklist(MINI.read_text()), parse_checklist(MINI_2.read_text()))
    kinds = {rid: (c.kind, c.earlier) for rid, c in found.carries.items()}
    assert kinds == {
        "AAA-01": (Kind.SAME, ("AAA-01",)),
        "BBB-11": (Kind.SPLIT, ("BBB-01",)),
        "BBB-12": (Kind.SPLIT, ("BBB-01",)),
        "CCC-01": (Kind.MERGED, ("AAA-02", "BBB-02")),
        "CCC-02": (Kind.NEW, ()),
        "FFF-01": (Kind.SAME, ("FFF-01",)),
        "FFF-02": (Kind.REWORDED, ("FFF-02",)),
    }
    assert str(found.retired["AAA-03"]) == "A desirable review that no source asks for."
    assert found.unaccounted == ()
    assert found.successors("BBB-01") == ["BBB-11", "BBB-12"]
    assert [rid for rid, c in found.carries.items() if c.to_recheck] == ["BBB-11", "BBB-12", "CCC-01", "FFF-02"]


def test_an_earlier_requirement_neither_carried_nor_retired_is_named():
    text = MINI_2.read_text().replace("  - {id: AAA-03, reason: A desirable review that no source asks for.}\n", "")
    text = text.replace("retired:\n", "")
    found = lineage(parse_checklist(MINI.read_text()), parse_checklist(text, "mini-2.yaml"))
    assert found.unaccounted == ("AAA-03",)


def test_a_requirement_both_retired_and_replaced_is_refused_with_its_line():
    text = MINI_2.read_text().replace("{id: AAA-03, reason:", "{id: BBB-02, reason:")
    with pytest.raises(ChecklistInvalid) as refused:
        parse_checklist(text, "mini-2.yaml")
    assert "'BBB-02' is retired but a requirement replaces it (line" in str(refused.value)


def test_retiring_a_requirement_of_the_same_version_is_refused():
    text = MINI_2.read_text().replace("{id: AAA-03, reason:", "{id: CCC-02, reason:")
    with pytest.raises(ChecklistInvalid, match="'CCC-02' is retired but is a requirement of this version"):
        parse_checklist(text, "mini-2.yaml")


def _answer(rid, value=None, na=False, ne=False, note=""):
    return EarlierAnswer(rid, Answer(value, na, ne, "sop_text" if value is not None else None), evidence_note=note)


def test_a_merged_answer_is_the_most_cautious_and_keeps_every_note():
    merged = merge([_answer("A", 3, note="SOP 4.1"), _answer("B", 1, note="SOP 6.2")], range(4))
    assert merged.answer.value == 1 and merged.evidence_note == "[A] SOP 4.1\n[B] SOP 6.2"
    assert merge([_answer("A", na=True), _answer("B", ne=True)], range(4)).answer.not_evidenced
    assert merge([_answer("A", na=True), _answer("B", na=True)], range(4)).answer.not_applicable
    assert not merge([_answer("A", na=True), _answer("B")], range(4)).answer.not_applicable  # B still open
    assert merge([_answer("A"), _answer("B")], range(4)) is None


def test_a_score_the_later_scale_lacks_is_not_carried_but_the_note_is():
    carried = merge([_answer("A", 4, note="kept")], range(4))
    assert carried.answer.value is None and carried.evidence_note == "kept"


#: 2.0.0 of the mini checklist with FFF-02 only touched (one word added to twelve) and
#: AAA-01 word for word the same but now decided from records.
NEARLY = (
    MINI_2.read_text()
    .replace(
        "The SOP requires the serial number of every marked part to be recorded, with a photograph.",
        "The SOP requires serial numbers of all the marked parts to be recorded.",
    )
    .replace(
        "        remedy: records-procedure\n", "        remedy: records-procedure\n        decided_from: records\n"
    )
)


def test_a_nearly_identical_rewording_on_the_same_basis_carries_without_a_recheck():
    found = lineage(parse_checklist(MINI.read_text()), parse_checklist(NEARLY, "mini-2.yaml"))
    fff = found.carries["FFF-02"]
    assert fff.kind is Kind.REWORDED and fff.similarity == pytest.approx(24 / 25)
    assert fff.near_identical and not fff.to_recheck
    assert found.carries["BBB-11"].to_recheck and found.carries["CCC-01"].to_recheck  # split, merged: far apart


def test_an_answer_carried_onto_a_requirement_decided_from_records_is_rechecked_even_word_for_word():
    found = lineage(parse_checklist(MINI.read_text()), parse_checklist(NEARLY, "mini-2.yaml"))
    aaa = found.carries["AAA-01"]
    assert aaa.kind is Kind.SAME and aaa.basis_changed and aaa.to_recheck
    assert not found.carries["FFF-01"].basis_changed and not found.carries["FFF-01"].to_recheck


def test_a_reworded_requirement_below_the_threshold_is_rechecked():
    found = lineage(parse_checklist(MINI.read_text()), parse_checklist(MINI_2.read_text()))
    fff = found.carries["FFF-02"]
    assert fff.similarity < NEAR_IDENTICAL and fff.to_recheck


def test_rechecks_go_most_changed_first():
    found = lineage(parse_checklist(MINI.read_text()), parse_checklist(MINI_2.read_text()))
    ordered = sorted((c for c in found.carries.values() if c.to_recheck), key=lambda c: -c.change)
    assert [c.requirement_id for c in ordered] == ["BBB-12", "CCC-01", "BBB-11", "FFF-02"]
    assert found.carries["AAA-01"].change == 0 and found.carries["CCC-02"].similarity is None


def test_the_shipped_upgrade_to_2_0_0_carries_six_nearly_identical_statements_without_a_recheck():
    from pathlib import Path

    shipped = Path(__file__).parent.parent / "checklists"
    found = lineage(
        parse_checklist((shipped / "csi-sop-enfsi-1.0.0.yaml").read_text()),
        parse_checklist((shipped / "csi-sop-enfsi-2.0.0.yaml").read_text()),
    )
    assert sorted(c.requirement_id for c in found.carries.values() if c.near_identical) == [
        "DIG-04",
        "FID-04",
        "MET-01",
        "REC-10",
        "STR-05",
        "STR-08",
    ]
    assert not found.carries["EQP-10"].near_identical  # 95 % the same words, but adds checking expiry dates
