"""Pages run a constant number of queries, whatever the number of units, users, assessments or responses."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app.extensions import db
from app.models import Sop
from app.services.assessment.assessments import score_sheet
from app.services.assessment.plans import suggest_actions
from app.web.assessments import scoring_page
from tests.conftest import move_to


@contextmanager
def counted():
    statements: list[str] = []

    def listener(*args):
        statements.append(args[2])

    db.session.expire_all()  # nothing cached from an earlier request
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def grow(make_unit, make_user, make_assessment, units: int, per_unit: int, start: int = 0):
    made = []
    for n in range(start, start + units):
        unit = make_unit(f"Q{n}")
        for k in range(3):
            db.session.add(Sop(unit=unit, code=f"SOP-{k}", title="Doc", version="1"))
        make_user("assessor", units=[unit], email=f"a{n}@q.example")
        made += [make_assessment(unit, title=f"A{n}-{k}") for k in range(per_unit)]
    db.session.commit()
    return made


@pytest.mark.parametrize("path", ["/", "/units/", "/admin/users", "/units/Q0", "/?stage=self_assessment&q=A0"])
def test_lists_run_the_same_number_of_queries_for_few_and_many_rows(
    client, make_unit, make_user, make_assessment, login, path
):
    login(make_user("admin", email="admin@q.example"))
    grow(make_unit, make_user, make_assessment, units=2, per_unit=2)
    client.get(path)  # scores of new assessments are kept on first view
    with counted() as few:
        assert client.get(path).status_code == 200
    grow(make_unit, make_user, make_assessment, units=8, per_unit=4, start=2)
    client.get(path)
    with counted() as many:
        assert client.get(path).status_code == 200
    assert len(few) == len(many), (path, len(few), len(many))
    assert len(many) <= 14, many


def test_the_dashboard_does_not_score_responses_once_scores_are_kept(
    client, make_unit, make_user, make_assessment, login, save_response
):
    unit = make_unit("KEPT")
    a = make_assessment(unit)
    login(make_user("unit_head", units=[unit]))
    save_response(a.id, "AAA-01", score=3)
    with counted() as statements:
        page = client.get("/").get_data(as_text=True)
    assert "evidence 14%" in page and "withheld" in page  # the kept figures: 1 of 7 scored, too few for a score
    assert not any("FROM responses" in s for s in statements)


def test_a_filter_across_a_reviewed_assessment_sends_a_few_cards_a_page(
    client, make_unit, make_user, make_assessment, login, save_response
):
    unit = make_unit("PAGE")
    head = login(make_user("unit_head", units=[unit]))
    a = make_assessment(unit)
    for code in ("AAA-01", "AAA-02", "AAA-03", "BBB-01", "BBB-02", "FFF-01", "FFF-02"):
        save_response(a.id, code, score=0)
    suggest_actions(score_sheet(a), head)  # the stage guard: every gap planned before submitting
    db.session.commit()
    move_to(a, "submit", head)
    page = client.get(f"/assessments/{a.id}/score?filter=gaps").get_data(as_text=True)
    assert page.count('class="req ') == scoring_page.CARDS_PER_PAGE == 6 and "Page 1 of 2" in page
    scoring_page.CARDS_PER_PAGE, saved = 3, scoring_page.CARDS_PER_PAGE
    try:
        first = client.get(f"/assessments/{a.id}/score?filter=gaps").get_data(as_text=True)
        last = client.get(f"/assessments/{a.id}/score?filter=gaps&page=3").get_data(as_text=True)
    finally:
        scoring_page.CARDS_PER_PAGE = saved
    assert first.count('class="req ') == 3 and "Page 1 of 3" in first and "7 requirements" in first
    assert last.count('class="req ') == 1 and "Page 3 of 3" in last
