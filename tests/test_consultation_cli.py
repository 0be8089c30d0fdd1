"""The consultation record page, ``flask assessments create|finalise|reopen`` and ``flask demo``."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from app.domain.workflow import Move
from app.extensions import db
from app.models import Assessment, Consultation, User
from app.services.assessment.assessments import score_sheet
from app.services.assessment.plans import plan_of
from app.services.assessment.workflow import consultation_of
from app.services.demo.demo import PEOPLE
from tests.conftest import answer_the_rest, demo_app, demo_assessment_id, move_to, text_of

# --- the consultation record ----------------------------------------------------------------


@pytest.fixture
def reviewing(make_unit, make_user, make_assessment):
    unit = make_unit("U1")
    head, expert = make_user("unit_head", units=[unit]), make_user("expert", units=[unit], name="Dr Kovač")
    assessment = answer_the_rest(make_assessment(unit))
    move_to(assessment, Move.SUBMIT, head)
    move_to(assessment, Move.START_REVIEW, expert)
    return assessment, head, expert


RECORD = {
    "held_on": "2026-03-02",
    "place": "Police Directorate, room 2",
    "participants-0-name": "Ana Petrović",
    "participants-0-role": "Head of unit",
    "participants-1-name": "Dr Kovač",
    "participants-1-organisation": "SEESAC",
    "minutes": "The unit accepted the findings on records.",
}


def test_the_expert_records_the_consultation_and_everyone_reads_it(reviewing, login, post, client):
    assessment, head, expert = reviewing
    login(expert)
    assert post(f"/assessments/{assessment.id}/consultation", RECORD).status_code == 302
    record = consultation_of(assessment.id)
    assert record.recorded and [p["name"] for p in record.participants] == ["Ana Petrović", "Dr Kovač"]
    post("/logout")
    login(head)
    page = text_of(client.get(f"/assessments/{assessment.id}/consultation"))
    assert "Ana Petrović, Head of unit" in page and "Dr Kovač (SEESAC)" in page
    assert post(f"/assessments/{assessment.id}/consultation", {**RECORD, "place": "Elsewhere"}).status_code == 403


@pytest.mark.parametrize(
    "change",
    [{"participants-0-name": "", "participants-0-role": "Driver"}, {"place": ""}],
    ids=["participant without a name", "neither place nor online"],
)
def test_an_incomplete_consultation_record_is_refused(reviewing, login, post, change):
    assessment, _, expert = reviewing
    login(expert)
    assert post(f"/assessments/{assessment.id}/consultation", {**RECORD, **change}).status_code == 400
    assert consultation_of(assessment.id) is None


def test_the_consultation_record_is_closed_outside_the_review(make_unit, make_user, make_assessment, login, post):
    unit = make_unit("U1")
    assessment = make_assessment(unit)
    login(make_user("expert", units=[unit]))
    assert post(f"/assessments/{assessment.id}/consultation", RECORD).status_code == 409
    assert db.session.scalar(select(Consultation)) is None


# --- flask assessments create | finalise | reopen --------------------------------------------


@pytest.fixture
def cli_people(make_unit, make_user, mini_version):
    unit = make_unit("U1")
    make_user("unit_head", units=[unit], email="gone@example.org", active=False)
    return {
        role: make_user(role, units=[unit], email=f"{role}@example.org")
        for role in ("unit_head", "expert", "assessor", "viewer")
    }


def invoke(runner, *args):
    result = runner.invoke(args=list(args))
    # A refusal is a clean exit with a message; anything else (a crash) would leave its exception here.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def test_create_prints_the_new_assessments_id_and_stores_it_as_asked(runner, cli_people):
    result = invoke(
        runner, "assessments", "create", "u1", "--title", "Spring", "--checklist", "mini@1.0.0",
        "--module", "firearms", "--scope", "onsite", "--by", "UNIT_HEAD@example.org",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    match = re.fullmatch(
        r"Created assessment (\d+) of U1: Spring \(mini@1\.0\.0, onsite, 7 requirements\)\n", result.output
    )
    assert match, result.output
    assessment = db.session.get(Assessment, int(match.group(1)))
    assert (assessment.title, assessment.modules, assessment.scope, assessment.stage) == (
        "Spring",
        ["firearms"],
        "onsite",
        "self_assessment",
    )
    assert assessment.created_by_id == cli_people["unit_head"].id


def test_create_defaults_to_the_newest_checklist_a_desk_review_and_every_module_as_the_web_form_does(
    runner, cli_people, client, login
):
    result = invoke(
        runner, "assessments", "create", "U1", "--title", "Desk", "--checklist", "mini", "--by", "expert@example.org"
    )
    assert result.exit_code == 0 and "(mini@1.0.0, desk, 7 requirements)" in result.output
    assert db.session.scalar(select(Assessment)).modules == ["firearms"]
    login(cli_people["unit_head"])
    form = client.get("/assessments/new").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="firearms"|<input[^>]*value="firearms"[^>]*checked', form)


def test_create_core_only_leaves_the_modules_out(runner, cli_people):
    result = invoke(
        runner, "assessments", "create", "U1", "--title", "Core", "--core-only", "--by", "unit_head@example.org"
    )
    assert result.exit_code == 0 and "(mini@1.0.0, desk, 5 requirements)" in result.output
    both = invoke(
        runner, "assessments", "create", "U1", "--title", "X", "--core-only", "--module", "firearms",
        "--by", "unit_head@example.org",
    )  # fmt: skip
    assert both.exit_code == 1 and "either --module or --core-only" in both.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["NOPE", "--by", "unit_head@example.org"],
            "no unit NOPE that unit_head@example.org may start assessments for",
        ),
        (["U1", "--by", "nobody@example.org"], "no active user with email nobody@example.org"),
        (["U1", "--by", "gone@example.org"], "no active user with email gone@example.org"),
        (["U1", "--checklist", "nope", "--by", "unit_head@example.org"], "checklist nope is not loaded"),
        (["U1", "--checklist", "mini@9.9.9", "--by", "unit_head@example.org"], "checklist mini@9.9.9 is not loaded"),
        (["U1", "--module", "drones", "--by", "unit_head@example.org"], "has no module drones"),
        (["U1", "--by", "viewer@example.org"], "no unit U1 that viewer@example.org may start assessments for"),
    ],
    ids=[
        "unknown unit",
        "unknown email",
        "inactive user",
        "unknown checklist",
        "unknown version",
        "unknown module",
        "viewer",
    ],
)
def test_create_refuses_bad_input_with_a_clear_message_and_exit_code_1(runner, cli_people, args, message):
    result = invoke(runner, "assessments", "create", *args, "--title", "T")
    assert result.exit_code == 1 and message in result.output
    assert db.session.scalar(select(Assessment)) is None


def test_finalise_as_an_internal_check_then_reopen_as_revision_2(runner, cli_people, make_assessment):
    assessment = make_assessment(cli_people["unit_head"].units[0])
    done = invoke(runner, "assessments", "finalise", str(assessment.id), "--by", "unit_head@example.org")
    assert done.exit_code == 0, done.output
    assert done.output == (
        f"Finalised assessment {assessment.id} revision 1 (internal check, no expert review); "
        "7 requirements were unanswered\n"
    )
    again = invoke(runner, "assessments", "reopen", str(assessment.id), "--by", "expert@example.org")
    assert (
        again.exit_code == 0
        and again.output == f"Reopened assessment {assessment.id} as revision 2 (self_assessment)\n"
    )
    db.session.expire_all()
    assert (db.session.get(Assessment, assessment.id).stage, db.session.get(Assessment, assessment.id).revision) == (
        "self_assessment",
        2,
    )


def test_finalise_after_review_says_so_and_reopen_returns_to_agreed(runner, cli_people, make_assessment):
    assessment = answer_the_rest(make_assessment(cli_people["unit_head"].units[0]))
    head, expert = cli_people["unit_head"], cli_people["expert"]
    move_to(assessment, Move.SUBMIT, head)
    move_to(assessment, Move.START_REVIEW, expert)
    db.session.add(Consultation(assessment=assessment, held_on=dt.date(2026, 3, 2), participants=[{"name": "A"}]))
    move_to(assessment, Move.HOLD_CONSULTATION, expert)
    move_to(assessment, Move.CONFIRM_AGREEMENT, head)
    done = invoke(runner, "assessments", "finalise", str(assessment.id), "--by", "expert@example.org")
    assert done.exit_code == 0 and "revision 1 (after expert review)" in done.output
    again = invoke(runner, "assessments", "reopen", str(assessment.id), "--by", "unit_head@example.org")
    assert again.exit_code == 0 and again.output == f"Reopened assessment {assessment.id} as revision 2 (agreed)\n"


@pytest.mark.parametrize(
    ("command", "email", "message"),
    [
        ("finalise", "viewer@example.org", "Only Unit head may do this at this stage."),
        ("finalise", "expert@example.org", "Only Unit head may do this at this stage."),
        ("finalise", "ghost@example.org", "no active user with email ghost@example.org"),
        ("reopen", "unit_head@example.org", "is not possible at the stage 'Self-assessment'"),
    ],
    ids=["viewer finalises", "expert finalises a self-assessment", "unknown email", "reopen a draft"],
)
def test_a_refused_move_exits_1_with_a_clear_message(runner, cli_people, make_assessment, command, email, message):
    assessment = make_assessment(cli_people["unit_head"].units[0])
    result = invoke(runner, "assessments", command, str(assessment.id), "--by", email)
    assert result.exit_code == 1 and message in result.output
    db.session.expire_all()
    assert db.session.get(Assessment, assessment.id).stage == "self_assessment"


def test_finalise_of_an_unknown_assessment_exits_1(runner, cli_people):
    result = invoke(runner, "assessments", "finalise", "999", "--by", "unit_head@example.org")
    assert result.exit_code == 1 and "no assessment 999" in result.output


# --- flask demo ----------------------------------------------------------------------------


def test_demo_creates_the_four_people_and_prints_their_passwords_once(runner):
    first = invoke(runner, "demo")
    assert first.exit_code == 0, first.output
    printed = dict(re.findall(r"^\s+(\S+@\S+)\s+(\S+)\s", first.output, flags=re.M))
    assert sorted(printed) == sorted(email for _role, email, _name, _title in PEOPLE)
    for role, email, _name, _title in PEOPLE:
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.role == role and check_password_hash(user.password_hash, printed[email])
    second = invoke(runner, "demo")
    assert second.exit_code == 0 and "Found existing" in second.output
    assert "password" not in second.output.lower() and not any(pw in second.output for pw in printed.values())
    assert db.session.scalar(select(db.func.count(User.id))) == 4


def test_demo_assessment_is_at_the_consultation_with_disagreements_record_findings_and_actions(demo_database, tmp_path):
    app = demo_app(demo_database, tmp_path)  # the demo `flask demo` makes, built once per run
    with app.app_context():
        assessment = db.session.get(Assessment, demo_assessment_id())
        assert assessment.stage == "consultation_held"
        sheet = score_sheet(assessment)
        pairs = [(r.value, r.review.value) for r in sheet.responses.values() if r.review and r.review.value is not None]
        assert any(own is not None and own > expert for own, expert in pairs)  # the unit over-rated itself
        assert any(own is not None and own < expert for own, expert in pairs)  # and under-rated itself
        record = consultation_of(assessment.id)
        assert record.recorded and len(record.participants) >= 2 and record.minutes
        findings = {r.review.finding for r in sheet.responses.values() if r.review and r.review.finding}
        assert {"major_nc", "minor_nc"} <= findings
        plan = plan_of(sheet)
        assert (
            10
            <= len(plan.items)
            <= len(sheet.checklist.remedies)
            < len(list(sheet.checklist.requirements(["firearms"]))) / 8
        )
        assert all(item.gaps for item in plan.items)  # every action closes at least one current gap
