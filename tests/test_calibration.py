"""Calibration of the self-assessment against the expert, on an example worked out by hand."""

from __future__ import annotations

import pytest

from app.domain.calibration import Pair, calibrate, weighted_kappa
from app.domain.loader import load_checklist_file
from app.domain.workflow import Move
from app.extensions import db
from app.services.assessment.responses import ensure_review
from tests.conftest import MINI, answer_the_rest, move_to, text_of

# The worked example (scale 0..3), self and expert score, self minus expert:
#
#   AAA-01  3  1  +2      exact: AAA-02, BBB-02, FFF-01            -> 3 / 6 = 0.5
#   AAA-02  2  2   0      within one: all but AAA-01               -> 5 / 6
#   AAA-03  1  0  +1
#   BBB-01  2  3  -1      mean difference (2 + 0 + 1 - 1 + 0 + 0) / 6 = 1/3
#   BBB-02  0  0   0
#   FFF-01  3  3   0
#
# Quadratic weighted kappa, k = 4 levels, weight w(i, j) = (i - j)^2 / (k - 1)^2 = (i - j)^2 / 9:
#   observed disagreement  = (1/6) * (4 + 0 + 1 + 1 + 0 + 0) / 9 = 1/9 = 6/54
#   self marginal counts   (levels 0..3): 1, 1, 2, 2
#   expert marginal counts (levels 0..3): 2, 1, 1, 2
#   sum over i, j of self_i * expert_j * (i - j)^2:
#     i=0 (x1): 2*0 + 1*1 + 1*4 + 2*9 = 23
#     i=1 (x1): 2*1 + 1*0 + 1*1 + 2*4 = 11
#     i=2 (x2): 2*4 + 1*1 + 1*0 + 2*1 = 11 -> 22
#     i=3 (x2): 2*9 + 1*4 + 1*1 + 2*0 = 23 -> 46        total 102
#   expected disagreement  = 102 / 36 / 9 = 17/54
#   kappa = 1 - (6/54) / (17/54) = 1 - 6/17 = 11/17 = 0.647  (substantial: 0.61 to 0.80)
#
# Sections: Alpha (+2, 0, +1) mean +1.0, over-rated; Beta (-1, 0) mean -0.5, under-rated;
# Firearms (0) level. Largest: AAA-01 (2 levels), then the 1-level ones, the heavier first:
# BBB-01 (essential) before AAA-03 (desirable).
EXAMPLE = {"AAA-01": (3, 1), "AAA-02": (2, 2), "AAA-03": (1, 0), "BBB-01": (2, 3), "BBB-02": (0, 0), "FFF-01": (3, 3)}


@pytest.fixture(scope="module")
def checklist():
    return load_checklist_file(MINI)[0]


def example(checklist):
    return calibrate(checklist, [Pair(checklist.requirement(rid), s, e) for rid, (s, e) in EXAMPLE.items()])


def test_exact_and_within_one_agreement_of_the_worked_example(checklist):
    result = example(checklist)
    assert result.count == 6
    assert result.exact == pytest.approx(3 / 6)
    assert result.within_one == pytest.approx(5 / 6)
    assert result.mean_difference == pytest.approx(1 / 3)


def test_quadratic_weighted_kappa_of_the_worked_example(checklist):
    result = example(checklist)
    assert result.kappa == pytest.approx(11 / 17)
    assert result.kappa_band == "substantial"


def test_section_bias_of_the_worked_example(checklist):
    result = example(checklist)
    bias = {s.section.id: (s.pairs, s.mean_difference, s.direction) for s in result.sections}
    assert bias == {"AAA": (3, 1.0, "over"), "BBB": (2, -0.5, "under"), "FFF": (1, 0.0, "level")}
    assert [s.section.id for s in result.over_rated] == ["AAA"]
    assert [s.section.id for s in result.under_rated] == ["BBB"]


def test_largest_disagreements_come_by_size_then_by_weight(checklist):
    assert [p.requirement.id for p in example(checklist).largest] == ["AAA-01", "BBB-01", "AAA-03"]


def test_kappa_is_one_for_perfect_agreement_and_none_when_chance_explains_everything():
    levels = [0, 1, 2, 3]
    assert weighted_kappa([(0, 0), (1, 1), (3, 3)], levels) == pytest.approx(1.0)
    assert weighted_kappa([(2, 2), (2, 2)], levels) is None  # one level only: no disagreement to expect
    assert weighted_kappa([], levels) is None
    # Systematic disagreement is worse than chance: (0,3), (3,0) gives 1 - 1 / 0.5 = -1.
    assert weighted_kappa([(0, 3), (3, 0)], levels) == pytest.approx(-1.0)


def test_a_two_level_disagreement_costs_four_times_a_one_level_one():
    levels = [0, 1, 2, 3]
    # Both sets share marginals (self 0, 3; expert 1, 2 vs 2, 1): only the observed part differs.
    near = weighted_kappa([(0, 1), (3, 2)], levels)  # disagreement (1 + 1) / 2 / 9 = 1/9
    far = weighted_kappa([(0, 2), (3, 1)], levels)  # disagreement (4 + 4) / 2 / 9 = 4/9
    # expected: self {0, 3}, expert {1, 2}: (1 + 4 + 4 + 1) / 4 / 9 = 10/36
    assert near == pytest.approx(1 - (1 / 9) / (10 / 36))
    assert far == pytest.approx(1 - (4 / 9) / (10 / 36))


def test_calibration_page_shows_the_worked_example_and_leaves_unscored_pairs_out(
    make_unit, make_user, make_assessment, login, client
):
    unit = make_unit("U1")
    head, expert = make_user("unit_head", units=[unit]), make_user("expert", units=[unit])
    assessment = answer_the_rest(make_assessment(unit))
    move_to(assessment, Move.SUBMIT, head)
    move_to(assessment, Move.START_REVIEW, expert)
    responses = {r.requirement.code: r for r in assessment.responses}
    for rid, (own, found) in EXAMPLE.items():
        responses[rid].value = own
        ensure_review(responses[rid]).value = found
    responses["FFF-02"].value = 2  # the expert found no evidence: not a pair
    ensure_review(responses["FFF-02"]).not_evidenced = True
    db.session.commit()
    login(expert)
    page = text_of(client.get(f"/assessments/{assessment.id}/calibration"))
    assert "50% exact agreement (6 requirements scored by both)" in page
    assert "83% agreement within one level" in page
    assert "0.65 weighted kappa (quadratic weights): substantial" in page
    assert "+0.33 mean difference" in page
    higher = page.split("rated itself higher than the expert", 1)[1].split("rated itself lower", 1)[0]
    lower = page.split("rated itself lower than the expert", 1)[1].split("Largest disagreements", 1)[0]
    assert "Alpha section +1.00" in higher and "Beta" not in higher
    assert "Beta section −0.50" in lower and "Alpha" not in lower
