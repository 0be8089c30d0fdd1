"""Scoring, exactly as the domain brief sets it out, including the edge cases."""

from __future__ import annotations

import pytest

from app.domain.loader import parse_checklist
from app.domain.results import score_assessment
from app.domain.scoring import Answer, summarise
from tests.conftest import MINI

CHECKLIST = parse_checklist(MINI.read_text(encoding="utf-8"))
CORE = list(CHECKLIST.requirements())
NA = Answer(not_applicable=True)


def score(answers, modules=()):
    return score_assessment(CHECKLIST, modules, answers)


def test_nothing_assessed_gives_no_score_and_zero_completeness():
    result = score({})
    assert result.overall.score is None
    assert result.overall.assessed == 0
    assert result.overall.completeness == 0
    assert result.overall.unassessed == 5
    assert result.gaps == ()


def test_everything_not_applicable_gives_no_score_and_no_completeness():
    result = score({r.id: NA for r in CORE})
    assert result.overall.applicable == 0
    assert result.overall.score is None
    assert result.overall.completeness is None


def test_weighted_mean_uses_criticality_weights():
    # essential full (3 x 1.0) and desirable at 0 (1 x 0.0): 3 / 4
    result = score({"AAA-01": Answer(3), "AAA-03": Answer(0)})
    alpha = result.sections[0].summary
    assert alpha.score == pytest.approx(0.75)
    assert alpha.completeness == pytest.approx(2 / 3) and alpha.coverage == pytest.approx(2 / 3)


def test_unassessed_requirements_are_counted_apart_not_as_zero():
    only_one = score({"AAA-01": Answer(2)})
    assert only_one.overall.score == pytest.approx(2 / 3)
    assert only_one.overall.unassessed == 4


def test_not_applicable_leaves_the_denominator_of_completeness():
    result = score({"AAA-01": Answer(3), "AAA-02": NA})
    alpha = result.sections[0].summary
    assert (alpha.total, alpha.applicable, alpha.assessed) == (3, 2, 1)
    assert alpha.completeness == pytest.approx(0.5)
    assert alpha.answered == 2


@pytest.mark.parametrize(
    ("requirement_id", "value", "major"),
    [("AAA-01", 0, True), ("AAA-01", 1, True), ("AAA-01", 2, False), ("AAA-02", 0, False), ("AAA-03", 0, False)],
)
def test_major_gap_is_an_essential_requirement_at_0_or_1(requirement_id, value, major):
    result = score({requirement_id: Answer(value)})
    assert [g.major for g in result.gaps] == [major]
    assert result.overall.major_gaps == int(major)


def test_a_fully_met_requirement_is_not_a_gap():
    assert score({"AAA-01": Answer(3)}).gaps == ()


def test_one_section_empty_while_another_is_scored():
    result = score({"BBB-01": Answer(3), "BBB-02": Answer(3)})
    alpha, beta = (r.summary for r in result.sections)
    assert alpha.score is None and alpha.completeness == 0
    assert beta.score == 1.0
    assert result.overall.score == 1.0


def test_a_module_left_out_is_not_counted_and_a_chosen_one_is():
    answers = {"AAA-01": Answer(3), "FFF-01": Answer(0)}
    without = score(answers)
    assert [r.section.id for r in without.sections] == ["AAA", "BBB"]
    assert without.overall.score == 1.0
    assert without.overall.total == 5
    with_module = score(answers, modules=["firearms"])
    assert [r.section.id for r in with_module.sections] == ["AAA", "BBB", "FFF"]
    assert with_module.overall.total == 7
    assert with_module.overall.score == pytest.approx(0.5)
    assert with_module.overall.major_gaps == 1


def test_summary_of_no_requirements_is_empty():
    empty = summarise(CHECKLIST, [], {})
    assert (empty.total, empty.score, empty.completeness) == (0, None, None)
