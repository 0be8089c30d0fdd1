"""Imports that are bounded and honest: checked whole before writing, written in a few statements,
never forging history, and no server error for any malformed package."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import event, func, select

from app.extensions import db
from app.models import Assessment, PlannedAction, Response, Unit
from app.services.exchange.imports import PackageRefused, import_package
from app.services.exchange.packages import build_package, package_bytes
from app.services.reporting.issuing import IssueError, issue_report
from tests.conftest import text_of


@pytest.fixture
def package(make_unit, make_assessment, make_user, login, save_response):
    unit = make_unit("UA", name="Unit A")
    a = make_assessment(unit, title="Field laptop work")
    login(make_user("unit_head", units=[unit]))
    save_response(a.id, "AAA-01", score=1, evidence_note="Seals are not dated.")
    save_response(a.id, "BBB-01", score=2)
    data = build_package(db.session.get(Assessment, a.id), exported_by="Ana")
    db.session.delete(db.session.get(Assessment, a.id))
    db.session.commit()
    return data


def refused(data, match):
    before = db.session.scalar(select(func.count(Assessment.id)))
    with pytest.raises(PackageRefused, match=match):
        import_package(data if isinstance(data, bytes) else package_bytes(data))
    db.session.rollback()
    assert db.session.scalar(select(func.count(Assessment.id))) == before


def test_a_package_cannot_forge_a_finalisation_or_a_revision_here(package):
    package["assessment"].update(stage="finalised", revision=3, finalised_at="2019-05-01T10:00:00")
    for entry in package["responses"]:
        entry["updated_at"] = "2019-04-30T09:00:00"
    outcome = import_package(package_bytes(package))
    copy = outcome.assessment
    assert (copy.revision, copy.stage, copy.finalised_at) == (1, "self_assessment", None)
    assert copy.origin["reported"] == {
        "stage": "finalised",
        "revision": 3,
        "finalised_at": "2019-05-01T10:00:00",
        "reviewed": False,
    }
    assert copy.origin["exported_by"] == "Ana" and copy.origin["changes"]["AAA-01"][0] == "2019-04-30T09:00:00"
    assert all(r.updated_at is None for r in copy.responses)  # nothing happened here yet
    with pytest.raises(IssueError):
        issue_report(copy, None)


def test_the_imported_copy_says_where_it_came_from(client, package, make_user, login):
    package["assessment"].update(stage="finalised", revision=3)
    copy = import_package(package_bytes(package)).assessment
    page = text_of(client.get(f"/assessments/{copy.id}"))
    assert "Imported copy: exported from" in page and "by Ana" in page
    assert "reported stage 'Finalised', revision 3" in page and "that history happened there" in page


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda p: p["responses"].append(dict(p["responses"][0])), "two entries for this requirement"),
        (lambda p: p["assessment"].update(revision=10**30), "assessment/revision"),
        (lambda p: p["assessment"].update(assessed_on=20190501), "assessment/assessed_on"),
        (lambda p: p["assessment"].update(assessed_on="2019-13-45"), "assessment/assessed_on"),
        (lambda p: p["assessment"].update(assessed_on="0001-01-01"), "outside 1900 to 2100"),
        (lambda p: p["responses"][0].update(evidence_note="x" * 100_000), "responses/0/evidence_note"),
        (lambda p: p["responses"][0].update(evidence_note="tab ok\tNUL \x00 not"), "responses/0/evidence_note"),
        (lambda p: p["unit"].update(code="U/A"), "not a unit code"),
        (lambda p: p["unit"].update(code="<b>UA</b>"), "not a unit code"),
        (lambda p: p["unit"].update(name="x" * 201), "unit/name"),
        (
            lambda p: p.update(actions=[{"title": "x", "gaps": ["AAA-01"]}, {"title": "y", "gaps": ["AAA-01"]}]),
            "another action",
        ),
        (lambda p: p["responses"][0].update(value=2**40), "responses/0/value"),
    ],
)
def test_malformed_values_are_refused_with_where_and_nothing_is_stored(package, change, match):
    change(package)
    refused(package, match)


def test_deeply_nested_json_is_refused_not_a_server_error(app, client, make_user, login, post):
    deep = b"[" * 100_000 + b"]" * 100_000
    refused(deep, "nests deeper than any package")
    login(make_user("admin"))
    response = post(
        "/assessments/import", {"package": (io.BytesIO(deep), "deep.json")}, content_type="multipart/form-data"
    )
    assert response.status_code == 400 and "nests deeper" in text_of(response)


def test_a_unit_code_with_spaces_or_lower_case_is_the_same_unit(package):
    package["unit"]["code"] = " ua "
    copy = import_package(package_bytes(package)).assessment
    assert copy.unit.code == "UA" and db.session.scalar(select(func.count(Unit.id))) == 1


def test_importing_the_same_package_twice_is_refused(package):
    import_package(package_bytes(package))
    refused(package, "imported already")


def test_an_import_writes_in_a_handful_of_statements_whatever_its_size(app, package):
    package["actions"] = [{"title": "Records procedure", "gaps": ["AAA-01", "BBB-01"]}]
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        copy = import_package(package_bytes(package)).assessment
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert len(writes) <= 8, writes
    assert db.session.scalar(select(func.count(Response.id)).where(Response.assessment_id == copy.id)) == 7
    assert db.session.scalar(select(PlannedAction)).gaps[0].requirement.code in {"AAA-01", "BBB-01"}


def test_a_package_with_an_unanswered_requirement_still_creates_every_response(package):
    package["responses"] = package["responses"][:2]
    copy = import_package(package_bytes(package)).assessment
    assert len(copy.responses) == 7


def test_every_refusal_of_random_junk_is_a_message_not_a_crash(package):
    for junk in (b"", b"null", b"[]", b'{"format": 1}', json.dumps({"format": "csi-sop-assessment"}).encode()):
        refused(junk, ".")
