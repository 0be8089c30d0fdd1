"""The table view in the browser: a row saves as a card does, N/A waits for its reason, and a
row saved by someone else meanwhile is merged field by field, never overwritten."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.stages import draft, stored


@pytest.fixture
def fresh(server):
    return draft(server, "Table test")


def saved(page, rid):
    page.locator(f"#row-{rid} [data-status]").filter(has_text="✓").wait_for(timeout=10000)


def test_a_row_saves_its_level_and_note_as_typed(signed_in, server, fresh):
    page = signed_in("unit_head")
    page.goto(f"/assessments/{fresh}/score?view=table&section=GOV")
    page.select_option("#row-GOV-01 select[name='GOV-01-score']", "2")
    saved(page, "GOV-01")
    page.fill("#row-GOV-01 textarea[name='GOV-01-evidence_note']", "QM-01 section 2 sets the legal status.")
    page.wait_for_timeout(1500)
    saved(page, "GOV-01")
    row = stored(server, fresh, "GOV-01")
    assert (row.value, row.evidence_note) == (2, "QM-01 section 2 sets the legal status.")
    page.reload()
    assert page.locator("#row-GOV-01 select[name='GOV-01-score']").input_value() == "2"
    assert axe_violations(page) == []


def test_na_in_a_row_waits_for_its_reason_then_saves_both(signed_in, server, fresh):
    page = signed_in("unit_head")
    page.goto(f"/assessments/{fresh}/score?view=table&section=GOV")
    page.select_option("#row-GOV-02 select[name='GOV-02-score']", "na")
    reason = page.locator("#row-GOV-02 textarea[name='GOV-02-na_justification']")
    reason.wait_for(state="visible")
    page.wait_for_timeout(800)
    assert stored(server, fresh, "GOV-02").not_applicable is False  # nothing sent without the reason
    reason.fill("The unit has no legal personality of its own.")
    page.wait_for_timeout(1500)
    saved(page, "GOV-02")
    row = stored(server, fresh, "GOV-02")
    assert row.not_applicable and row.na_justification == "The unit has no legal personality of its own."


def test_two_people_on_one_row_are_merged_not_overwritten(signed_in, server, fresh):
    first, second = signed_in("unit_head"), signed_in("unit_head")
    for page in (first, second):
        page.goto(f"/assessments/{fresh}/score?view=table&section=GOV")
    first.fill("#row-GOV-03 textarea[name='GOV-03-evidence_note']", "Written by the first.")
    first.wait_for_timeout(1500)
    saved(first, "GOV-03")
    second.select_option("#row-GOV-03 select[name='GOV-03-score']", "1")
    box = second.locator("#row-GOV-03 .theirs")
    box.wait_for(timeout=10000)
    assert "Written by the first." in box.inner_text()
    assert stored(server, fresh, "GOV-03").value is None  # nothing written over
    box.get_by_role("button", name="Keep mine").click()
    saved(second, "GOV-03")
    row = stored(server, fresh, "GOV-03")
    assert (row.value, row.evidence_note) == (1, "Written by the first.")  # my level, their note
