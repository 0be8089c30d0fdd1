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


MINI_PLAIN = DATA / "mini-plain.yaml"
MINI_TICKS = DATA / "mini-ticks.yaml"


def test_a_requirement_marked_carried_as_same_carries_its_answer_without_a_recheck():
    found = lineage(parse_checklist(MINI.read_text()), parse_checklist(MINI_PLAIN.read_text()))
    plain = found.carries["AAA-01"]
    assert plain.kind is Kind.REWORDED and plain.similarity < NEAR_IDENTICAL
    assert plain.plain_words and not plain.to_recheck


def test_an_unmarked_plain_words_rewording_is_still_rechecked():
    found = lineage(parse_checklist(MINI.read_text()), parse_checklist(MINI_PLAIN.read_text()))
    assert not found.carries["BBB-01"].plain_words and found.carries["BBB-01"].to_recheck


def test_the_mark_never_hides_a_change_of_basis():
    found = lineage(parse_checklist(MINI.read_text()), parse_checklist(MINI_PLAIN.read_text()))
    moved = found.carries["BBB-02"]  # marked, but now decided from records instead of practice
    assert moved.basis_changed and not moved.plain_words and moved.to_recheck


def _reworded_ticks(element_change: tuple[str, str] | None = None) -> str:
    text = MINI_TICKS.read_text().replace('version: "1.1.0"', 'version: "1.2.0"')
    text = text.replace(
        "        statement: The SOP requires the essential thing to be done and recorded.\n",
        "        statement: The SOP says staff do the essential thing and write it down.\n        carried_as: same\n",
    )
    return text.replace(*element_change) if element_change else text


def test_the_mark_holds_only_when_the_elements_are_the_predecessors():
    earlier = parse_checklist(MINI_TICKS.read_text())
    same = lineage(earlier, parse_checklist(_reworded_ticks()))
    assert same.carries["AAA-01"].plain_words and not same.carries["AAA-01"].to_recheck
    flipped = ('"It says who signs the record.", essential: false', '"It says who signs the record.", essential: true')
    changed = lineage(earlier, parse_checklist(_reworded_ticks(flipped)))
    assert not changed.carries["AAA-01"].plain_words and changed.carries["AAA-01"].to_recheck


def test_the_mark_vouches_for_the_last_step_only():
    """From 1.0.0 through 1.1.0 to 1.2.0: the step before the mark must keep the statement too."""
    v1 = parse_checklist(MINI.read_text())
    through = MINI_TICKS.read_text()
    middle = parse_checklist(through)
    later_text = _reworded_ticks().replace("level_rule: >", 'carries_from: "1.1.0"\n  level_rule: >', 1)
    found = lineage(v1, parse_checklist(later_text), [middle])
    assert found.carries["AAA-01"].plain_words and not found.carries["AAA-01"].to_recheck
    changed_middle = parse_checklist(
        through.replace(
            "statement: The SOP requires the essential thing to be done and recorded.",
            "statement: The SOP requires the essential thing to be done, recorded and reviewed by a second person.",
        )
    )
    found = lineage(v1, parse_checklist(later_text), [changed_middle])
    assert not found.carries["AAA-01"].plain_words and found.carries["AAA-01"].to_recheck


def test_a_requirement_carried_as_same_that_replaces_another_is_refused_with_its_line():
    text = MINI_PLAIN.read_text().replace(
        "        carried_as: same\n        guidance: Look for the record.\n",
        "        carried_as: same\n        replaces: [AAA-02]\n        guidance: Look for the record.\n",
        1,
    )
    text = text.replace("      - id: AAA-02\n", "      - id: AAA-09\n")  # AAA-02 now carried by AAA-01
    with pytest.raises(ChecklistInvalid) as refused:
        parse_checklist(text, "mini-plain.yaml")
    assert "mini-plain.yaml:" in str(refused.value) and "'AAA-01' is carried_as the same duty" in str(refused.value)


def test_an_unknown_carried_as_value_is_refused():
    text = MINI_PLAIN.read_text().replace("        carried_as: same\n", "        carried_as: similar\n", 1)
    with pytest.raises(ChecklistInvalid, match="carried_as"):
        parse_checklist(text, "mini-plain.yaml")
