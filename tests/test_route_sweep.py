"""Every route declares who may reach it, and gives every role what the declaration and the
access policy say: in the user's own unit, in another unit, and signed out.

A new route without a declaration fails here (app/web/decisions.py).
"""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import PROGRAMME_ROLES, ROLES, PlannedAction, Programme, Round, Sop
from app.services.assessment.access import ROLE_ACTIONS, Action, ProgrammeAction, may, may_programme
from app.services.reporting.issuing import issue_report
from app.web.decisions import ADMIN, PUBLIC, SIGNED_IN, STAGE_MOVE, InSomeUnit, OnProgramme, OnUnitData
from tests.conftest import finalise

METHODS = ("GET", "POST")
#: Requests that end the session or remove what later requests use go last.
LAST = ("remove", "delete", "disable", "logout")


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods & set(METHODS)):
            yield rule, method


def test_every_route_declares_who_may_reach_it(app):
    missing = [
        f"{method} {rule.rule} ({rule.endpoint})"
        for rule, method in routes(app)
        if method not in getattr(app.view_functions[rule.endpoint], "access", {})
    ]
    assert not missing, "routes without an access declaration: " + ", ".join(missing)


@pytest.fixture
def world(make_unit, make_user, make_assessment):
    """Two units, each with a draft assessment, a document, an action and an issued report."""
    samples = {}
    head = make_user("unit_head", email="head@sweep.example")
    for where, code in (("own", "OWN"), ("other", "OTHER")):
        unit = make_unit(code)
        head.units = [*head.units, unit]
        draft = make_assessment(unit, title="Draft")
        sop = Sop(unit_id=unit.id, code="SOP-1", title="Doc", version="1")
        db.session.add(sop)
        db.session.flush()
        db.session.add(PlannedAction(assessment_id=draft.id, title="Do it", gaps=[draft.responses[0]]))
        done = make_assessment(unit, title="Done")
        db.session.commit()
        finalise(done, head)
        report = issue_report(done, head)
        samples[where] = {
            "assessment_id": draft.id,
            "requirement_id": "AAA-01",
            "code": code,
            "sop_id": sop.id,
            "fmt": "csv",
            "report_id": report.id,
            "action_id": db.session.query(PlannedAction.id).filter_by(assessment_id=draft.id).scalar(),
            "move_name": "submit",
            "unit": unit,
        }
    bystander = make_user("viewer", email="bystander@sweep.example")
    for where in samples:
        samples[where]["user_id"] = bystander.id
        programme = Programme(name=f"Programme {where}", units=[samples[where]["unit"]], rounds=[Round(label="2026")])
        db.session.add(programme)
        db.session.flush()
        samples[where]["programme"] = programme
        samples[where]["programme_id"] = programme.id
        samples[where]["round_id"] = programme.rounds[0].id
    db.session.commit()
    return samples


def url_of(rule, values):
    url = rule.rule
    for arg in rule.arguments:
        url = url.replace(f"<int:{arg}>", str(values[arg])).replace(f"<{arg}>", str(values[arg]))
    return url


def expected(decision, user, values, where) -> str:
    """'ok' (neither 403 nor 404), 'forbidden' (403) or 'hidden' (404), from the declaration and the policy."""
    if decision in (PUBLIC, SIGNED_IN):
        return "ok"
    if decision == ADMIN:
        return "ok" if user.role == "admin" else "forbidden"
    if isinstance(decision, InSomeUnit):
        return "ok" if decision.action in ROLE_ACTIONS[user.role] else "forbidden"
    if isinstance(decision, OnProgramme):
        programme = values["programme"]
        if not may_programme(user, ProgrammeAction.VIEW, programme):
            return "hidden"
        return "ok" if may_programme(user, decision.action, programme) else "forbidden"
    action = Action.SUBMIT if decision == STAGE_MOVE else decision.action
    assert isinstance(decision, OnUnitData) or decision == STAGE_MOVE, decision
    unit_id = values["unit"].id
    if not may(user, Action.VIEW, unit_id):
        return "hidden"
    return "ok" if may(user, action, unit_id) else "forbidden"


@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_every_route_gives_each_role_what_its_declaration_says(app, client, world, make_user, login, post, role, where):
    user = make_user(role, units=[] if role == "admin" else [world["own"]["unit"]], email=f"{role}@sweep.example")
    if role in PROGRAMME_ROLES:  # assigned to the own unit's programme, not to the other's
        world["own"]["programme"].members.append(user)
        db.session.commit()
    login(user)
    values = world[where]
    checked, wrong = 0, []
    ordered = sorted(
        routes(app),
        key=lambda rm: (rm[0].endpoint == "auth.logout", any(w in rm[0].endpoint for w in LAST), rm[1], rm[0].endpoint),
    )
    for rule, method in ordered:
        decision = app.view_functions[rule.endpoint].access[method]
        scoped = isinstance(decision, OnUnitData | OnProgramme) or decision == STAGE_MOVE
        if decision == PUBLIC or (where == "other" and not scoped):
            continue
        want = expected(decision, user, values, where)
        url = url_of(rule, values)
        response = post(url) if method == "POST" else client.get(url)
        status = response.status_code
        got = {403: "forbidden", 404: "hidden"}.get(status, "ok")
        if status >= 500 or got != want:
            wrong.append(f"{method} {url} ({rule.endpoint}): {status}, expected {want}")
        checked += 1
    assert not wrong, "\n".join(wrong)
    assert checked >= 20


def test_every_route_but_sign_in_sends_an_anonymous_user_to_sign_in(app, client, world, post):
    for rule, method in routes(app):
        decision = app.view_functions[rule.endpoint].access[method]
        if decision == PUBLIC:
            continue
        url = url_of(rule, world["own"])
        response = post(url) if method == "POST" else client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), (method, url)


def test_a_json_request_of_a_signed_out_user_gets_401_not_a_sign_in_page(client, world, post):
    response = post(
        f"/assessments/{world['own']['assessment_id']}/responses/AAA-01",
        {"AAA-01-score": "2"},
        headers={"Accept": "application/json"},
    )
    body = response.get_json()
    assert response.status_code == 401 and body["error"] == "signed_out" and "signed out" in body["message"]


@pytest.mark.parametrize("issued", [False, True], ids=["finalised", "issued"])
def test_every_plan_route_stays_open_after_finalising_and_answers_409_once_the_report_is_issued(
    app, client, make_unit, make_user, make_assessment, login, post, issued
):
    unit = make_unit("PLAN")
    head = make_user("unit_head", units=[unit], email="plan-head@sweep.example")
    assessment = make_assessment(unit, title="Planned")
    responses = {r.requirement.code: r for r in assessment.responses}
    responses["AAA-01"].value, responses["AAA-01"].no_action_reason = 1, "Later"  # a gap left open
    responses["AAA-02"].value = 0
    db.session.add(PlannedAction(assessment_id=assessment.id, title="Do it", gaps=[responses["AAA-02"]]))
    db.session.commit()
    finalise(assessment, head)
    if issued:
        issue_report(assessment, head)
        db.session.commit()
    values = {
        "assessment_id": assessment.id,
        "action_id": db.session.query(PlannedAction.id).filter_by(assessment_id=assessment.id).scalar(),
        "requirement_id": "AAA-01",
    }
    login(head)
    planning = [
        (rule, method)
        for rule, method in routes(app)
        if method == "POST" and app.view_functions[rule.endpoint].access[method] == OnUnitData(Action.PLAN)
    ]
    assert len(planning) >= 5
    wrong = []
    for rule, method in sorted(planning, key=lambda rm: any(w in rm[0].endpoint for w in LAST)):
        status = post(url_of(rule, values)).status_code
        if (status == 409) != issued or status in (403, 404) or status >= 500:
            wrong.append(f"{method} {rule.rule}: {status}")
    assert not wrong, "\n".join(wrong)
