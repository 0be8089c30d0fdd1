"""Ranking gaps and actions, strongest and weakest sections, and charts that never draw "not assessed" as 0."""

from __future__ import annotations

import dataclasses

import pytest

from app.domain.loader import load_checklist_file
from app.domain.ranking import gap_priority, leverage, rank_actions, rank_gaps
from app.domain.results import score_assessment
from app.domain.scoring import Answer
from app.services.reporting.charts import section_bars
from tests.conftest import MINI

# Weights essential 3, important 2, desirable 1; scale 0..3; shortfall = 1 - value / 3.
# Consequence factors: safety 1.3, integrity 1.25, contamination 1.2, admissibility 1.1, quality 1.0.


@pytest.fixture(scope="module")
def checklist():
    return load_checklist_file(MINI)[0]


def scored(**values) -> dict[str, Answer]:
    return {rid.replace("_", "-"): Answer(value) for rid, value in values.items()}


def ranks(gaps) -> dict[str, tuple[int, bool]]:
    return {g.requirement.id: (g.rank, g.tied) for g in gaps}


def variant(checklist, rid: str, **changes):
    """A requirement of the mini checklist with other attributes (rank_gaps reads them, not its position)."""
    return dataclasses.replace(checklist.requirement(rid), **changes)


def test_gaps_of_equal_priority_share_a_rank(checklist):
    # AAA-02 important at 2: 2 x 1/3 x 1.0 = 2/3; AAA-03 desirable at 1: 1 x 2/3 x 1.0 = 2/3; both quality.
    gaps = rank_gaps(checklist, checklist.requirements(), scored(AAA_02=2, AAA_03=1))
    assert [g.priority for g in gaps] == pytest.approx([2 / 3, 2 / 3])
    assert ranks(gaps) == {"AAA-02": (1, True), "AAA-03": (1, True)}


def test_reversing_the_checklist_order_of_tied_gaps_changes_no_rank(checklist):
    answers = scored(AAA_01=1, AAA_02=2, AAA_03=1, BBB_01=1)
    alpha = checklist.section("AAA")
    swapped = dataclasses.replace(alpha, requirements=tuple(reversed(alpha.requirements)))
    reordered = dataclasses.replace(
        checklist, sections=tuple(swapped if s.id == "AAA" else s for s in checklist.sections)
    )
    assert [r.id for r in reordered.requirements()][:3] == ["AAA-03", "AAA-02", "AAA-01"]
    before = ranks(rank_gaps(checklist, checklist.requirements(), answers))
    after = ranks(rank_gaps(reordered, reordered.requirements(), answers))
    assert before == after
    # AAA-01 and BBB-01 (essential, integrity, one remedy for both) tie first; AAA-02 and AAA-03 tie third.
    assert before == {"AAA-01": (1, True), "BBB-01": (1, True), "AAA-02": (3, True), "AAA-03": (3, True)}


def test_consequence_breaks_a_tie_of_priority_before_remedy_size(checklist):
    # A safety gap alone: 2 x 1/3 x 1.3 x 1.0; four quality gaps of one remedy: 2 x 1/3 x 1.0 x 1.3 (leverage).
    lone = variant(checklist, "AAA-02", id="S-1", consequence="safety", remedy=None)
    grouped = [variant(checklist, "AAA-02", id=f"Q-{n}", consequence="quality", remedy="manual") for n in range(4)]
    answers = {r.id: Answer(2) for r in [lone, *grouped]}
    gaps = rank_gaps(checklist, [*grouped, lone], answers)
    assert len({round(g.priority, 9) for g in gaps}) == 1  # all of equal priority
    assert ranks(gaps) == {"S-1": (1, False), **{f"Q-{n}": (2, True) for n in range(4)}}


def test_remedy_size_breaks_a_tie_of_priority_and_consequence(checklist):
    # Six important gaps at 1 sharing a remedy: 2 x 2/3 x 1.0 x 1.5 = 2; one important gap at 0 alone: 2 x 1 x 1.0 = 2.
    grouped = [variant(checklist, "AAA-02", id=f"G-{n}", remedy="manual") for n in range(6)]
    lone = variant(checklist, "AAA-02", id="A-0", remedy=None)
    answers = {**{r.id: Answer(1) for r in grouped}, "A-0": Answer(0)}
    gaps = rank_gaps(checklist, [lone, *grouped], answers)
    assert [g.priority for g in gaps] == pytest.approx([2.0] * 7)
    assert ranks(gaps)["A-0"] == (7, False)
    assert all(ranks(gaps)[f"G-{n}"] == (1, True) for n in range(6))


def test_remedy_leverage_raises_priority(checklist):
    # AAA-01 essential integrity at 1: 3 x 2/3 x 1.25 = 2.5 alone; x 1.1 when BBB-01 shares its remedy.
    alone = rank_gaps(checklist, checklist.requirements(), scored(AAA_01=1, BBB_01=3))
    shared = rank_gaps(checklist, checklist.requirements(), scored(AAA_01=1, BBB_01=1))
    assert alone[0].priority == pytest.approx(2.5) and alone[0].remedy_gaps == 1
    first = next(g for g in shared if g.requirement.id == "AAA-01")
    assert first.priority == pytest.approx(2.75) and first.remedy_gaps == 2
    assert gap_priority(3, 1 / 3, "integrity", 3) == pytest.approx(3 * 2 / 3 * 1.25 * 1.2)
    assert (leverage(1), leverage(6), leverage(40)) == pytest.approx((1.0, 1.5, 1.5))


def test_actions_are_ranked_by_the_sum_of_their_gaps_priorities(checklist):
    # AAA-02 at 2 and AAA-03 at 1: 2/3 each, 4/3 together; FFF-02 important admissibility at 2: 2 x 1/3 x 1.1 = 0.733,
    # more than either gap of the first action, less than both.
    answers = scored(AAA_02=2, AAA_03=1, FFF_02=2)
    gaps = {g.requirement.id: g for g in rank_gaps(checklist, checklist.requirements(["firearms"]), answers)}
    ranked = rank_actions([("one", [gaps["FFF-02"]]), ("two", [gaps["AAA-02"], gaps["AAA-03"]])])
    assert [(a.key, a.rank) for a in ranked] == [("two", 1), ("one", 2)]
    assert ranked[0].priority == pytest.approx(4 / 3) and ranked[1].priority == pytest.approx(2 * 1 / 3 * 1.1)
    # Two actions of equal sums (2/3 each) share a rank.
    tied = rank_actions([("x", [gaps["AAA-02"]]), ("y", [gaps["AAA-03"]])])
    assert [(a.rank, a.tied) for a in tied] == [(1, True), (1, True)]


THIN_STRONG = scored(AAA_03=3, BBB_01=2, BBB_02=2, FFF_01=1, FFF_02=0)  # Alpha 1 of 3 scored, at 100%
THIN_WEAK = scored(AAA_01=0, BBB_01=3, BBB_02=3, FFF_01=2, FFF_02=2)  # Alpha 1 of 3 scored, at 0%


@pytest.mark.parametrize(
    ("answers", "alpha_score", "strongest", "weakest"),
    [(THIN_STRONG, 1.0, "BBB", "FFF"), (THIN_WEAK, 0.0, "BBB", "FFF")],
    ids=["thin section best", "thin section worst"],
)
def test_strongest_and_weakest_ignore_sections_under_half_covered(checklist, answers, alpha_score, strongest, weakest):
    result = score_assessment(checklist, ["firearms"], answers)
    alpha = next(r for r in result.sections if r.section.id == "AAA")
    assert alpha.summary.coverage == pytest.approx(1 / 3) and not alpha.summary.sufficient
    assert alpha.summary.score == alpha_score  # it has a score, just not enough evidence behind it
    assert (result.strongest.section.id, result.weakest.section.id) == (strongest, weakest)


def test_a_section_exactly_half_covered_counts(checklist):
    result = score_assessment(checklist, ["firearms"], scored(AAA_01=3, AAA_02=3, BBB_01=3, BBB_02=3, FFF_01=0))
    firearms = next(r for r in result.sections if r.section.id == "FFF")
    assert firearms.summary.coverage == 0.5 and firearms.summary.sufficient
    assert result.weakest.section.id == "FFF"


def test_chart_gives_none_not_zero_for_a_section_under_half_covered(checklist):
    result = score_assessment(checklist, ["firearms"], scored(AAA_01=0, BBB_01=0, BBB_02=0))
    bars = {bar.title: bar.value for bar in section_bars(result).bars}
    assert bars == {"Alpha section": None, "Beta section": 0.0, "Firearms section": None}


def test_an_actions_priority_counts_each_gap_once_without_the_remedy_leverage(checklist):
    # AAA-01 and BBB-01 share a remedy, so each gap's priority carries leverage 1.1; the action
    # closing both already counts both, so it sums their own priorities: 3 x 1 x 1.25 twice.
    answers = scored(AAA_01=0, BBB_01=0)
    gaps = rank_gaps(checklist, checklist.requirements(), answers)
    assert [g.priority for g in gaps] == pytest.approx([3 * 1.25 * 1.1] * 2)
    (action,) = rank_actions([("records", gaps)])
    assert action.priority == pytest.approx(2 * 3 * 1.25) and action.major == 2


def test_an_action_closing_a_major_gap_ranks_above_one_closing_more_minor_ones(checklist):
    # AAA-01 essential at 1 is a major gap (priority 3 x 2/3 x 1.25 = 2.5); AAA-02, AAA-03 and BBB-02
    # at 0 weigh more together (2 + 1 + 2.5 = 5.5) but close no major gap.
    answers = scored(AAA_01=1, AAA_02=0, AAA_03=0, BBB_02=0)
    gaps = {g.requirement.id: g for g in rank_gaps(checklist, checklist.requirements(), answers)}
    ranked = rank_actions([("minor", [gaps["AAA-02"], gaps["AAA-03"], gaps["BBB-02"]]), ("major", [gaps["AAA-01"]])])
    assert [a.key for a in ranked] == ["major", "minor"]
    assert ranked[1].priority > ranked[0].priority
