"""Lineage: what becomes of each requirement of an earlier checklist version in a later one."""

from __future__ import annotations

import pytest

from app.domain.lineage import EarlierAnswer, Kind, lineage, merge
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
