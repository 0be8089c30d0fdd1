"""Cost bands as an installation setting, and what actions add up to: on the plan page, the
results page and the report, with each action's status in "What to fund first"."""

from __future__ import annotations

import pytest

from app.domain.plan_totals import total_of
from app.extensions import db
from app.models import PlannedAction
from app.services.assessment.assessments import score_sheet
from app.services.assessment.plans import plan_of, suggest_actions
from app.services.labels import COST, cost_ranges
from tests.conftest import text_of

RANGES = {"none": (0, 0), "low": (0, 5_000), "medium": (5_000, 50_000), "high": (50_000, None)}


def test_a_total_adds_the_ranges_and_counts_effort_by_band():
    totals = total_of([("weeks", "low"), ("months", "medium"), ("weeks", "none")], RANGES)
    assert (totals.actions, totals.cost_low, totals.cost_high, totals.uncosted) == (3, 5_000, 55_000, 0)
    assert totals.effort == (("weeks", 2), ("months", 1)) and totals.unestimated == 0


def test_a_band_without_an_upper_end_leaves_the_total_open_and_unbanded_actions_count_apart():
    totals = total_of([("days", "high"), (None, "low"), ("days", None)], RANGES)
    assert (totals.cost_low, totals.cost_high, totals.uncosted) == (50_000, None, 1)
    assert totals.effort == (("days", 2),) and totals.unestimated == 1


def test_the_default_cost_bands_are_in_euro(app):
    with app.test_request_context():
        assert dict(COST) == {
            "none": "Staff time only",
            "low": "Low (under €\u00a05,000)",
            "medium": "Medium (€\u00a05,000 – €\u00a050,000)",
            "high": "High (over €\u00a050,000)",
        }


def test_an_installation_sets_its_currency_and_ranges(app):
    app.config["COST_CURRENCY"] = "BAM"
    app.config["COST_BAND_RANGES"] = {
        "none": (0, 0),
        "low": (0, 10_000),
        "medium": (10_000, 100_000),
        "high": (100_000, None),
    }
    with app.test_request_context():
        assert COST["medium"] == "Medium (BAM\u00a010,000 – BAM\u00a0100,000)"
        assert COST["high"] == "High (over BAM\u00a0100,000)"


@pytest.mark.parametrize(
    "ranges",
    [
        {"none": (0, 0), "low": (0, 5_000), "medium": (5_000, 50_000)},  # a band missing
        {**RANGES, "medium": (50_000, 5_000)},  # to below from
        {**RANGES, "low": (-1, 5_000)},  # negative
    ],
    ids=["missing band", "to below from", "negative"],
)
def test_a_wrong_cost_setting_is_refused_naming_the_setting_and_band(app, ranges):
    app.config["COST_BAND_RANGES"] = ranges
    with app.test_request_context(), pytest.raises(ValueError, match="COST_BAND_RANGES"):
        cost_ranges()


@pytest.fixture
def planned(app, make_unit, make_user, make_assessment, login, save_response):
    """Three actions: weeks/low (agreed), months/medium (proposed), weeks/none (in progress)."""
    app.config["COST_BAND_RANGES"] = {**RANGES, "low": (2_000, 10_000), "medium": (10_000, 50_000)}
    unit = make_unit("U1")
    login(make_user("unit_head", units=[unit]))
    assessment = make_assessment(unit)
    for rid, value in (("AAA-01", 1), ("BBB-01", 0), ("AAA-02", 0), ("FFF-01", 2)):
        save_response(assessment.id, rid, score=value)
    suggest_actions(score_sheet(assessment), None)
    actions = db.session.scalars(db.select(PlannedAction).order_by(PlannedAction.id)).all()
    bands = [("weeks", "low", "agreed"), ("months", "medium", "proposed"), ("weeks", "none", "in_progress")]
    for action, (effort, cost, status) in zip(actions, bands, strict=True):
        action.effort, action.cost, action.status = effort, cost, status
    db.session.commit()
    return assessment


def test_the_plan_page_and_the_report_print_the_same_totals(planned, client):
    totals = str(plan_of(score_sheet(planned)).totals)
    assert totals == "Total cost: €\u00a012,000 – €\u00a060,000; effort: 2 actions of weeks, 1 action of months."
    expected = "Total cost: € 12,000 – € 60,000; effort: 2 actions of weeks, 1 action of months."
    assert expected in text_of(client.get(f"/assessments/{planned.id}/plan"))
    assert f"Whole plan: {expected}" in text_of(client.get(f"/assessments/{planned.id}/report"))


def test_what_to_fund_first_shows_each_actions_status_and_totals_on_the_results_page_and_in_the_report(planned, client):
    results = text_of(client.get(f"/assessments/{planned.id}"))
    report = text_of(client.get(f"/assessments/{planned.id}/report"))
    for page in (results, report):
        assert "Agreed" in page and "Proposed" in page and "In progress" in page
        assert "Total cost: € 12,000 – € 60,000; effort: 2 actions of weeks, 1 action of months." in page
    assert "Low (€ 2,000 – € 10,000)" in report


def test_uncosted_actions_are_named_in_the_total_not_counted_as_free(planned, client):
    action = db.session.scalars(db.select(PlannedAction).order_by(PlannedAction.id)).first()
    action.cost, action.effort = None, None
    db.session.commit()
    page = text_of(client.get(f"/assessments/{planned.id}/plan"))
    assert (
        "Total cost: € 10,000 – € 50,000 (1 action not costed); effort: 1 action of weeks, 1 action of months, 1 not estimated."
        in page
    )
