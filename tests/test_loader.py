"""Reading checklists: the model, and one clear line for every kind of mistake."""

from __future__ import annotations

import re

import pytest

from app.domain.loader import MAX_CHECKLIST_BYTES, ChecklistInvalid, load_checklist_file, parse_checklist
from app.domain.text import Text, active_language
from tests.conftest import MINI

GOOD = MINI.read_text(encoding="utf-8")


def problems_of(text: str) -> list[str]:
    with pytest.raises(ChecklistInvalid) as caught:
        parse_checklist(text, "bad.yaml")
    lines = [str(p) for p in caught.value.problems]
    for line in lines:
        assert re.match(r"^bad\.yaml:\d+: \S+: .+", line), line
        assert "\n" not in line and "Traceback" not in line
    return lines


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_mini_checklist_loads_with_sections_modules_and_default_scale():
    checklist, source = load_checklist_file(MINI)
    assert checklist.ref == "mini@1.0.0"
    assert [s.id for s in checklist.sections] == ["AAA", "BBB", "FFF"]
    assert checklist.sections[2].module == "firearms"
    assert [lvl.value for lvl in checklist.scale] == [0, 1, 2, 3]
    assert checklist.max_value == 3
    assert checklist.weights == {"essential": 3, "important": 2, "desirable": 1}
    assert source == GOOD
    assert [r.id for r in checklist.requirements()] == ["AAA-01", "AAA-02", "AAA-03", "BBB-01", "BBB-02"]
    assert len(list(checklist.requirements(["firearms"]))) == 7


def test_recommendation_for_a_level_falls_back_to_the_closest_lower_key():
    checklist = parse_checklist(GOOD)
    important = checklist.requirement("AAA-02")  # keys 0 and 2
    assert str(important.recommendation_for(0)) == "Name the role for the important thing."
    assert str(important.recommendation_for(1)) == "Name the role for the important thing."
    assert str(important.recommendation_for(2)) == "Train the named role."


def test_sub_clause_citations_are_accepted_under_a_declared_clause():
    checklist = parse_checklist(GOOD)
    assert checklist.requirement("AAA-01").references[0].clause == "7.3.1"
    assert checklist.source("ISO17020").tracked_clause("7.3.1") == "7.3"


def test_text_fields_may_carry_translations_and_fall_back_by_language():
    text = GOOD.replace(
        "title: Essential thing", "title: {en: Essential thing, sr-Latn: Bitna stvar, sr-Cyrl: Битна ствар}"
    )
    req = parse_checklist(text).requirement("AAA-01")
    assert req.title.languages == ("en", "sr-Latn", "sr-Cyrl")
    assert req.title.in_language("sr-Cyrl") == "Битна ствар"
    assert req.title.in_language("sr") == "Essential thing"  # no bare "sr" text: the checklist language
    assert req.title.in_language("hr") == "Essential thing"
    token = active_language.set("sr-Latn")
    try:
        assert str(req.title) == "Bitna stvar"
    finally:
        active_language.reset(token)
    assert Text.of("plain", "en").as_data() == "plain"


def test_content_hash_ignores_comments_and_layout_but_not_content():
    base = parse_checklist(GOOD).content_hash
    assert parse_checklist("# a comment\n" + GOOD.replace("  - id: GUIDE", "\n  - id: GUIDE")).content_hash == base
    assert parse_checklist(GOOD.replace("Lock the store.", "Lock the store at night.")).content_hash != base


def test_yaml_syntax_error_names_the_line():
    bad = GOOD.replace("title: Beta section", "title: [Beta section")
    (line,) = problems_of(bad)
    assert "YAML syntax" in line


def test_yaml_aliases_are_refused_before_anything_is_built():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    (line,) = problems_of(bomb)
    assert line.startswith("bad.yaml:1: -: YAML anchors and aliases are not allowed")


def test_oversized_file_is_refused_without_parsing():
    (line,) = problems_of(GOOD + "#" * MAX_CHECKLIST_BYTES)
    assert "limited to" in line and "bad.yaml:0:" in line


def test_text_that_is_not_utf8_is_refused():
    with pytest.raises(ChecklistInvalid) as caught:
        parse_checklist(GOOD.encode("utf-8") + b"\xff\xfe", "bad.yaml")
    assert "not UTF-8" in str(caught.value)


def test_empty_file_is_refused():
    (line,) = problems_of("")
    assert "empty" in line


def test_duplicate_requirement_id_names_both_lines():
    bad = GOOD.replace("id: AAA-02", "id: AAA-01")
    (line,) = problems_of(bad)
    assert "duplicate id 'AAA-01'" in line
    assert f"first used on line {line_of(bad, 'id: AAA-01')}" in line


def test_duplicate_mapping_key_is_reported_at_its_line():
    bad = GOOD.replace("        title: Important thing\n", "        title: Important thing\n        title: Again\n")
    (line,) = problems_of(bad)
    assert line == f"bad.yaml:{line_of(bad, 'title: Again')}: -: duplicate key 'title'"


def test_reference_to_an_undeclared_source_names_the_requirement():
    bad = GOOD.replace(
        "references: [{source: GUIDE}]\n        recommendations:\n          0: Name",
        "references: [{source: NOPE}]\n        recommendations:\n          0: Name",
    )
    lines = problems_of(bad)
    assert any(": AAA-02: source 'NOPE' is not declared under sources" in line for line in lines)


def test_clause_not_declared_for_a_source_with_a_clause_list():
    bad = GOOD.replace('clause: "7.1"}', 'clause: "9.9"}')
    (line,) = problems_of(bad)
    assert f"bad.yaml:{line_of(bad, '9.9')}: AAA-03: clause '9.9' is not declared for ISO17020" == line


def test_reference_without_clause_to_a_source_that_tracks_clauses():
    bad = GOOD.replace('{source: ISO17020, clause: "7.1"}', "{source: ISO17020}")
    (line,) = problems_of(bad)
    assert "AAA-03: a reference to ISO17020 must name a clause" in line


def test_recommendation_keyed_by_a_value_not_on_the_scale():
    bad = GOOD.replace("          0: Consider the desirable review.", "          7: Consider the desirable review.")
    (line,) = problems_of(bad)
    assert f"bad.yaml:{line_of(bad, '7: Consider')}: AAA-03: recommendation for 7" in line


def test_section_in_an_undeclared_module():
    bad = GOOD.replace("module: firearms", "module: drones")
    (line,) = problems_of(bad)
    assert "FFF: module 'drones' is not declared" in line


def test_declared_source_that_nothing_cites():
    bad = GOOD.replace("sources:\n", "sources:\n  - {id: UNUSED, title: Never cited}\n")
    (line,) = problems_of(bad)
    assert "UNUSED: source 'UNUSED' is declared but no requirement cites it" in line


def test_missing_required_field_names_the_requirement_and_field():
    bad = GOOD.replace("        statement: The SOP sets a review of the desirable thing.\n", "")
    (line,) = problems_of(bad)
    assert "AAA-03: sections[0].requirements[2]: missing required field 'statement'" in line
    assert line.startswith(f"bad.yaml:{line_of(bad, 'id: AAA-03')}:")


def test_criticality_outside_the_allowed_values():
    bad = GOOD.replace("criticality: desirable", "criticality: nice-to-have")
    (line,) = problems_of(bad)
    assert f"bad.yaml:{line_of(bad, 'nice-to-have')}: AAA-03:" in line
    assert "is not one of: essential, important, desirable" in line


def test_unquoted_version_number_gets_a_hint():
    bad = GOOD.replace('version: "1.0.0"', "version: 1.0")
    (line,) = problems_of(bad)
    assert "checklist.version: expected string, got float 1.0 (quote it)" in line


def test_unknown_field_is_reported():
    bad = GOOD.replace("        guidance: Look for a named role.\n", "        guidence: Look for a named role.\n")
    (line,) = problems_of(bad)
    assert "AAA-02" in line and "unknown field" in line and "guidence" in line


# --- format of version 2: stable clause keys, anchors, applicability, glossary, provenance ---

STABLE = GOOD.replace(
    "  - id: GUIDE\n    title: Some guidance\n",
    "  - id: GUIDE\n    title: Some guidance\n"
    '    provenance: {checked: "2026-11-30", how: Read the table of contents., confirmed: [numbering], unconfirmed: []}\n'
    "    clauses:\n"
    '      recording: {title: Recording the scene, numbers: {"v1.0": "5.3", "v2": "8.1"}}\n'
    "      audit: {title: Audit}\n",
).replace("references: [{source: GUIDE}]", "references: [{source: GUIDE, clause: recording}]")


def test_a_stable_clause_key_prints_its_heading_and_its_number_in_each_edition():
    checklist = parse_checklist(
        STABLE.replace(
            'references: [{source: ISO17020, clause: "7.1"}]', "references: [{source: GUIDE, clause: audit}]"
        )
    )
    guide = checklist.source("GUIDE")
    assert guide.cite("recording") == "GUIDE Recording the scene (5.3 in v1.0; 8.1 in v2)"
    assert guide.cite("audit") == "GUIDE Audit"
    assert checklist.cite(checklist.requirement("AAA-01").references[0]) == "ISO17020 7.3.1"
    assert (
        checklist.cite(checklist.requirement("AAA-02").references[0])
        == "GUIDE Recording the scene (5.3 in v1.0; 8.1 in v2)"
    )


def test_provenance_is_kept_in_the_file_but_not_in_the_model_that_reports_print():
    checklist = parse_checklist(
        STABLE.replace(
            'references: [{source: ISO17020, clause: "7.1"}]', "references: [{source: GUIDE, clause: audit}]"
        )
    )
    assert checklist.document["sources"][1]["provenance"]["how"] == "Read the table of contents."
    assert not hasattr(checklist.source("GUIDE"), "provenance")


def test_provenance_needs_the_date_and_how_it_was_checked():
    text = STABLE.replace('provenance: {checked: "2026-11-30", how: Read the table of contents.,', "provenance: {")
    assert any("provenance: missing required field 'checked'" in line for line in problems_of(text))


def test_core_clauses_are_read_from_the_source_entry():
    text = GOOD.replace('"7.3": Records', '"7.3": {title: Records, core: true}')
    checklist = parse_checklist(text)
    assert checklist.source("ISO17020").core == frozenset({"7.3"})
    assert checklist.source("ISO17020").clauses["7.3"] == "Records"


def test_anchors_and_applicability_are_read_and_anchors_must_be_on_the_scale():
    text = GOOD.replace(
        "        remedy: records-procedure\n",
        "        remedy: records-procedure\n"
        "        applicability: Where national law gives records to the prosecutor, score the hand-over.\n"
        "        anchors: {1: A form exists., 2: The form and who fills it., 3: The form and when it is filled.}\n",
        1,
    )
    req = parse_checklist(text).requirement("AAA-01")
    assert str(req.anchors[2]) == "The form and who fills it."
    assert "prosecutor" in str(req.applicability)
    bad = text.replace("3: The form and when", "7: The form and when")
    assert any("anchor for 7, which is not a value on the scale" in line for line in problems_of(bad))


def test_a_glossary_gives_terms_meanings_and_regional_equivalents():
    text = GOOD.replace(
        "sections:\n",
        "glossary:\n"
        "  - term: scene examination\n"
        "    meaning: The examination of a scene ordered under criminal procedure.\n"
        "    equivalents: {bs: uviđaj, sr-Cyrl: увиђај}\n"
        "    provenance: Seen in the criminal procedure code.\n"
        "sections:\n",
        1,
    )
    entry = parse_checklist(text).glossary[0]
    assert str(entry.term) == "scene examination" and entry.equivalents["sr-Cyrl"] == "увиђај"
    bad = text.replace("{bs: uviđaj,", "{Bosnian: uviđaj,")
    assert any("glossary[0].equivalents" in line for line in problems_of(bad))


def test_a_numbered_clause_can_map_to_its_number_in_a_later_edition():
    text = GOOD.replace('"7.3": Records', '"7.3": {title: Records, numbers: {"2026": "7.4"}}')
    iso = parse_checklist(text).source("ISO17020")
    assert iso.cite("7.3") == "ISO17020 7.3 (7.4 in 2026)"
    assert iso.cite("7.1") == "ISO17020 7.1"


ELEMENTS = (
    "        remedy: records-procedure\n"
    "        elements:\n"
    "          - {text: The procedure is written., essential: true}\n"
    "          - {text: Each step is recorded., essential: %s}\n"
)


def test_elements_load_with_their_essential_marks_under_a_level_rule():
    good = GOOD.replace("  language: en\n", "  language: en\n  level_rule: Three when all are met.\n", 1).replace(
        "        remedy: records-procedure\n", ELEMENTS % "false", 1
    )
    checklist = parse_checklist(good, "good.yaml")
    (first,) = [r for r in checklist.requirements() if r.id == "AAA-01"]
    assert [(str(e.text), e.essential) for e in first.elements] == [
        ("The procedure is written.", True),
        ("Each step is recorded.", False),
    ]
    assert str(checklist.level_rule) == "Three when all are met."


def test_elements_without_a_level_rule_or_an_essential_one_are_refused_by_line():
    no_rule = GOOD.replace("        remedy: records-procedure\n", ELEMENTS % "false", 1)
    assert any("AAA-01: elements need checklist.level_rule" in line for line in problems_of(no_rule))
    ruled = GOOD.replace("  language: en\n", "  language: en\n  level_rule: Rule.\n", 1)
    none_essential = ruled.replace("        remedy: records-procedure\n", ELEMENTS % "false", 1).replace(
        "essential: true}", "essential: false}", 1
    )
    assert any("AAA-01: mark at least one element essential" in line for line in problems_of(none_essential))
    one_only = ruled.replace(
        "        remedy: records-procedure\n",
        "        remedy: records-procedure\n        elements:\n          - {text: Only one., essential: true}\n",
        1,
    )
    assert problems_of(one_only)  # at least two elements: the schema says so, at the line
