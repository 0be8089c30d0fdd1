"""The coverage map and the section-to-requirements reading, on plain data (issue 17, deliverables 4 and 5)."""

from __future__ import annotations

import pytest

from app.domain.evidence_coverage import SectionRef, evidence_coverage, likely_requirements
from app.domain.evidence_match import Passage, Suggestion
from app.domain.loader import load_checklist_file
from tests.conftest import MINI


@pytest.fixture(scope="module")
def requirements():
    checklist, _text = load_checklist_file(MINI)
    return list(checklist.requirements(["firearms"]))


SECTIONS = [
    SectionRef("SOP-1", "0", "Title page", 40),
    SectionRef("SOP-1", "1", "Seals", 300),
    SectionRef("SOP-1", "2", "Store", 200),
    SectionRef("SOP-1", "3", "Canteen", 150),
    SectionRef("SOP-1", "4", "Empty heading", 0),
    SectionRef("SOP-2", "1", "Firearms", 500),
]


def test_a_section_cited_by_two_requirements_lists_both_in_checklist_order(requirements):
    cov = evidence_coverage(SECTIONS, requirements, [("BBB-01", "SOP-1", "1"), ("AAA-01", "SOP-1", "1")])
    [row] = cov.cited
    assert row.section.key == ("SOP-1", "1")
    assert [r.id for r in row.requirements] == ["AAA-01", "BBB-01"]


def test_figures_count_requirements_citing_and_sections_cited(requirements):
    cov = evidence_coverage(
        SECTIONS, requirements, [("AAA-01", "SOP-1", "1"), ("AAA-01", "SOP-2", "1"), ("BBB-01", "SOP-1", "1")]
    )
    assert (cov.citing, cov.in_scope) == (2, len(requirements))
    assert (len(cov.cited), len(cov.sections)) == (2, 4)  # the title page and the empty section are left out


def test_requirements_with_no_citation_are_unanswered_and_those_records_or_practice_decide_are_told_apart(
    requirements,
):
    cov = evidence_coverage(SECTIONS, requirements, [("AAA-01", "SOP-1", "1")])
    unanswered = [r.id for r in cov.unanswered]
    assert "AAA-01" not in unanswered and "AAA-02" in unanswered and "BBB-02" in unanswered
    assert [r.id for r in cov.unanswered_on_site] == ["BBB-02"]  # decided_from: practice
    assert "BBB-02" not in [r.id for r in cov.unanswered_in_documents]


def test_sections_no_requirement_cites_leave_out_the_preamble_and_empty_sections(requirements):
    cov = evidence_coverage(SECTIONS, requirements, [("AAA-01", "SOP-1", "1")])
    assert [s.key for s in cov.uncited] == [("SOP-1", "2"), ("SOP-1", "3"), ("SOP-2", "1")]


def test_a_citation_of_a_section_not_imported_or_a_requirement_out_of_scope_answers_nothing(requirements):
    cov = evidence_coverage(
        SECTIONS,
        requirements,
        [("AAA-02", "SOP-1", "9.9"), ("AAA-03", "SOP-7", "1"), ("ZZZ-01", "SOP-1", "2"), ("aaa-01", "SOP-1", "1")],
    )
    assert cov.citing == 0 and not cov.cited
    assert len(cov.uncited) == 4


def test_a_requirement_citing_only_documents_not_imported_is_told_apart_from_one_citing_nothing(requirements):
    """Its evidence is cited, but the map cannot read it: not "no section answers", and not counted as citing."""
    cov = evidence_coverage(
        SECTIONS, requirements, [("AAA-02", "QM-01", "6.5"), ("AAA-03", "QM-01", "2"), ("AAA-03", "SOP-1", "2")]
    )
    assert [r.id for r in cov.cited_elsewhere] == ["AAA-02"]  # AAA-03 also cites an imported section
    assert "AAA-02" not in [r.id for r in cov.unanswered] and "AAA-03" not in [r.id for r in cov.unanswered]
    assert cov.citing == 1 and cov.citing + len(cov.unanswered) + len(cov.cited_elsewhere) == cov.in_scope


def test_no_sections_and_no_requirements_give_empty_figures():
    cov = evidence_coverage([], [], [])
    assert (cov.citing, cov.in_scope, cov.cited, cov.uncited, cov.unanswered) == (0, 0, (), (), ())


def _s(code, number, score, highlights=((0, 5),)):
    return Suggestion(Passage(code, number, "", "text of it"), score, highlights)


def test_likely_requirements_turn_the_suggestions_round_best_score_first():
    suggested = {
        "AAA-01": [_s("SOP-1", "2", 9.0), _s("SOP-1", "1", 4.0)],
        "AAA-02": [_s("SOP-1", "1", 7.5, ((1, 3),))],
        "BBB-01": [_s("SOP-2", "1", 8.0)],
        "BBB-02": [],
    }
    found = likely_requirements(suggested, "SOP-1", "1")
    assert [(f.requirement_id, f.rank) for f in found] == [("AAA-02", 1), ("AAA-01", 2)]
    assert found[0].highlights == ((1, 3),) and found[0].score == 7.5
    assert likely_requirements(suggested, "SOP-9", "1") == []


def test_equal_scores_keep_the_better_rank_then_checklist_order():
    suggested = {"B": [_s("X", "9", 5.0), _s("S", "1", 3.0)], "A": [_s("S", "1", 3.0)], "C": [_s("S", "1", 3.0)]}
    assert [f.requirement_id for f in likely_requirements(suggested, "S", "1")] == ["A", "C", "B"]
