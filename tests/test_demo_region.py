"""``flask demo --region``: a fictional programme of six units and two rounds, with different profiles
and real progress between the rounds, made once (it takes a while: one test builds it and checks it all)."""

from __future__ import annotations

import datetime as dt
from statistics import mean

from sqlalchemy import func, select

from app.extensions import db
from app.models import Assessment, PlannedAction, Programme, User
from app.services.demo.region import PROGRAMME_NAME


def test_the_regional_demo_builds_six_units_two_rounds_and_real_progress_once(runner):
    result = runner.invoke(args=["demo", "--region"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert sum(line.startswith("Created unit ") for line in lines) == 6
    assert sum(line.startswith("Created assessment ") for line in lines) == 6
    assert sum(line.startswith("Created follow-up ") for line in lines) == 6
    assert all(
        "evidence coverage" in line for line in lines if line.startswith(("Created assessment", "Created follow-up"))
    )
    assert "People (passwords are shown this once; change them after signing in):" in lines

    programme = db.session.scalar(select(Programme).where(Programme.name == PROGRAMME_NAME))
    assert [r.label for r in programme.rounds] == ["2025", "2026"]
    assert len(programme.units) == 6 and all(u.jurisdiction.endswith("(fictional)") for u in programme.units)
    assert sorted(p.role for p in programme.members) == ["expert", "programme_staff"]
    for unit in programme.units:
        assert {"unit_head", "viewer"} <= {m.role for m in unit.members}, unit.code

    first, second = (
        {a.unit_id: a for a in db.session.scalars(select(Assessment).where(Assessment.round_id == r.id))}
        for r in programme.rounds
    )
    assert len(first) == len(second) == 6
    assert all(a.stage == "finalised" and a.reviewed for a in first.values())
    assert sorted(a.stage for a in second.values()) == ["finalised"] * 5 + ["in_review"]
    for unit_id, follow_up in second.items():  # each follow-up starts from its unit's round 2025 assessment
        assert follow_up.predecessor_id == first[unit_id].id
    assert sorted(a.focus for a in first.values()).count("essentials") == 1

    # Different profiles: the overall scores of round 2025 spread wide, each with enough evidence to show.
    before = [a.score for a in first.values()]
    assert all(a.coverage >= 0.5 for a in first.values()) and len(set(before)) == 6
    assert max(before) - min(before) > 0.4
    # Real progress: round 2026 is better on average, and every finalised unit closed gaps.
    after = [a.score for a in second.values()]
    assert mean(after) > mean(before) + 0.03
    assert all(second[u].major_gaps <= first[u].major_gaps for u in first)

    actions = db.session.scalars(
        select(PlannedAction).where(PlannedAction.assessment_id.in_([a.id for a in second.values()]))
    ).all()
    carried = [a for a in actions if a.carried_from_id is not None]
    assert any(a.status == "done" for a in carried)
    assert any(a.due_on and a.due_on < dt.date.today() and a.status != "done" for a in carried)  # overdue
    for unit_id, follow_up in second.items():  # one action dropped in each unit's follow-up
        earlier = db.session.scalar(select(func.count()).where(PlannedAction.assessment_id == first[unit_id].id))
        kept = sum(1 for a in carried if a.assessment_id == follow_up.id)
        assert kept == earlier - 1, follow_up.unit.code

    people = db.session.scalar(select(func.count(User.id)))
    again = runner.invoke(args=["demo", "--region"])
    assert again.exit_code == 0 and again.output.startswith(
        f"Found existing programme {programme.id}: {PROGRAMME_NAME}"
    )
    assert "12 assessments" in again.output and "People" not in again.output
    assert db.session.scalar(select(func.count(Assessment.id))) == 12
    assert db.session.scalar(select(func.count(User.id))) == people
