"""Exports (CSV, XLSX, JSON package) and imports between installations."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app import create_app
from app.domain.loader import load_checklist_file
from app.extensions import db
from app.models import Assessment, PlannedAction, Sop, Unit
from app.services.assessment.assessments import score_sheet
from app.services.assessment.plans import suggest_actions
from app.services.content.checklists import store_checklist
from app.services.exchange.imports import PackageRefused, import_package
from app.services.exchange.packages import build_package, package_bytes
from tests.conftest import MINI, text_of


@pytest.fixture
def scored(make_unit, make_user, make_assessment, make_sop, login, save_response):
    unit = make_unit("SRB", name="Beograd — Криминалистичка техника", jurisdiction="Serbia")
    sop = make_sop(unit, code="SOP-05", title="Pakovanje tragova")
    a = make_assessment(unit, title="Konsultacija 2026")
    login(make_user("unit_head", units=[unit], name="Ana"))
    save_response(
        a.id,
        "AAA-01",
        score=1,
        sop_id=sop.id,
        sop_section="3.1",
        evidence_note="Печати нису датирани.",
        recommendation="=HYPERLINK(1)",
    )
    save_response(a.id, "AAA-03", score="na", na_justification="No such review here.")
    save_response(a.id, "FFF-01", score=2, evidence_note="Good practice, not written down.")
    sheet = score_sheet(db.session.get(Assessment, a.id))
    for action in suggest_actions(sheet, None):
        action.owner, action.due_on = "Quality manager", dt.date(2027, 1, 31)
    db.session.commit()
    return a


def test_csv_export_has_every_response_with_notes_recommendations_and_actions(client, scored):
    response = client.get(f"/assessments/{scored.id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f"assessment-SRB-{scored.id}-r1.csv" in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read the Cyrillic right
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 7
    first = next(r for r in rows if r["Requirement"] == "AAA-01")
    assert first["Score"] == "1" and first["Documents cited"] == "SOP-05 v1.0, § 3.1"
    assert first["State"] == "Scored" and first["Score rests on"] == "SOP text"
    assert first["Assessor's note and evidence"] == "Печати нису датирани."
    assert first["Checklist recommendation for the level"] == "Add the missing record to the essential procedure."
    assert first["Action owner"] == "Quality manager" and first["Action due"] == "2027-01-31"
    assert first["Action"] == "Write the records procedure"
    assert first["Major gap"] == "yes" and first["Priority"] == "High"
    assert first["Assessor's recommendation"] == "'=HYPERLINK(1)"  # formulas defused
    na = next(r for r in rows if r["Requirement"] == "AAA-03")
    assert na["Not applicable"] == "yes" and na["N/A justification"] == "No such review here."


def test_xlsx_export_has_responses_and_sections_sheets(client, scored):
    response = client.get(f"/assessments/{scored.id}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Responses", "Sections"]
    sheet = book["Responses"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
    fff = next(r for r in rows if r["Requirement"] == "FFF-01")
    assert fff["Score"] == 2 and fff["Assessor's note and evidence"] == "Good practice, not written down."
    assert fff["Checklist recommendation for the level"] == "Add the recording of the state before unloading."
    sections = [[c.value for c in row] for row in book["Sections"].iter_rows(min_row=2)]
    assert [s[0] for s in sections] == ["AAA", "BBB", "FFF"]


def test_unknown_export_format_is_not_found(client, scored):
    assert client.get(f"/assessments/{scored.id}/export.docx").status_code == 404


def test_viewer_cannot_export(client, make_unit, make_user, make_assessment, login):
    unit = make_unit("V1")
    a = make_assessment(unit)
    login(make_user("viewer", units=[unit]))
    assert client.get(f"/assessments/{a.id}/export.json").status_code == 403


def _second_installation(tmp_path, with_checklist=True, checklist_text=None):
    other = create_app(
        {"TESTING": True, "SECRET_KEY": "other", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'other.sqlite3'}"}
    )
    with other.app_context():
        db.create_all()
        if with_checklist:
            path = tmp_path / "mini.yaml"
            path.write_text(checklist_text or MINI.read_text(encoding="utf-8"), encoding="utf-8")
            checklist, text = load_checklist_file(path)
            store_checklist(checklist, text, path.name)
    return other


FIELDS = (
    "value",
    "not_applicable",
    "not_evidenced",
    "na_justification",
    "basis",
    "evidence_note",
    "recommendation",
    "reply",
    "dissent",
)


def _responses(assessment: Assessment) -> dict:
    return {
        r.requirement.code: (
            *(getattr(r, f) for f in FIELDS),
            [(c.code, c.section) for c in r.citations],
            (r.review.value, r.review.comment, r.review.finding) if r.review else None,
        )
        for r in assessment.responses
    }


def _actions(assessment_id: int) -> list:
    return sorted(
        (a.title, a.owner, a.due_on, sorted(r.requirement.code for r in a.gaps))
        for a in db.session.scalars(select(PlannedAction).where(PlannedAction.assessment_id == assessment_id))
    )


def test_export_then_import_in_another_installation_gives_the_same_responses(client, scored, tmp_path):
    package = client.get(f"/assessments/{scored.id}/export.json").data
    assert json.loads(package)["checklist"]["version"] == "1.0.0"
    original = _responses(db.session.get(Assessment, scored.id))
    plan = _actions(scored.id)
    assert plan and plan[0][1] == "Quality manager"
    other = _second_installation(tmp_path)
    with other.app_context():
        runner = other.test_cli_runner()
        path = tmp_path / "package.json"
        path.write_bytes(package)
        result = runner.invoke(args=["import", str(path)])
        assert result.exit_code == 0, result.output
        assert "created unit SRB" in result.output and "SOP-05" in result.output
        imported = db.session.scalar(select(Assessment))
        assert imported.title == "Konsultacija 2026" and imported.modules == ["firearms"]
        assert _responses(imported) == original
        assert _actions(imported.id) == plan
        assert imported.unit.name == "Beograd — Криминалистичка техника"
        again = runner.invoke(args=["import", str(path)])
        assert again.exit_code == 1 and "imported already" in again.output


def test_a_package_for_an_unknown_checklist_version_is_refused(client, scored, tmp_path):
    package = client.get(f"/assessments/{scored.id}/export.json").data
    other = _second_installation(tmp_path, with_checklist=False)
    with other.app_context():
        with pytest.raises(PackageRefused, match=r"Checklist mini@1.0.0 is not loaded in this installation"):
            import_package(package)
        assert db.session.scalar(select(Unit)) is None


def test_a_package_whose_checklist_content_differs_is_refused(client, scored, tmp_path):
    package = client.get(f"/assessments/{scored.id}/export.json").data
    changed = MINI.read_text(encoding="utf-8").replace("Lock the store.", "Lock the store twice.")
    other = _second_installation(tmp_path, checklist_text=changed)
    with other.app_context():
        with pytest.raises(PackageRefused, match="has different content"):
            import_package(package)
        assert db.session.scalar(select(Assessment)) is None


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda p: b"not json at all", "not valid JSON"),
        (lambda p: b"\xff\xfe\x00", "not UTF-8"),
        (lambda p: json.dumps({"hello": "world"}).encode(), "not an assessment package"),
        (lambda p: json.dumps({**p, "format_version": 9}).encode(), "format version 9 is not supported"),
        (
            lambda p: json.dumps({**p, "responses": [{**p["responses"][0], "value": "three"}]}).encode(),
            "damaged at responses/0/value",
        ),
        (
            lambda p: json.dumps({**p, "responses": [{**p["responses"][0], "value": 9}]}).encode(),
            "9 is not on the checklist's scale",
        ),
        (lambda p: json.dumps({**p, "responses": [{"requirement": "ZZZ-99"}]}).encode(), "ZZZ-99"),
        (
            lambda p: json.dumps({**p, "responses": [{"requirement": "AAA-03", "not_applicable": True}]}).encode(),
            "is marked N/A without a justification",
        ),
        (
            lambda p: json.dumps({**p, "assessment": {**p["assessment"], "modules": ["drones"]}}).encode(),
            "modules drones",
        ),
        (lambda p: json.dumps({**p, "responses": [{"requirement": "AAA-01", "sop": "SOP-99"}]}).encode(), "SOP-99"),
        (
            lambda p: json.dumps({**p, "responses": [{**p["responses"][0], "recheck": "yes"}]}).encode(),
            "damaged at responses/0/recheck",
        ),
        (
            lambda p: json.dumps({**p, "responses": [{**p["responses"][0], "carried_from": "x" * 201}]}).encode(),
            "damaged at responses/0/carried_from",
        ),
    ],
)
def test_malformed_packages_are_refused_and_nothing_is_stored(app, scored, mangle, message):
    package = build_package(db.session.get(Assessment, scored.id))
    before = db.session.query(Assessment).count()
    with pytest.raises(PackageRefused, match=message):
        import_package(mangle(package))
    db.session.rollback()
    assert db.session.query(Assessment).count() == before


def test_upload_page_imports_a_package_for_a_unit_the_user_may_import_into(client, scored, post):
    package = build_package(db.session.get(Assessment, scored.id))
    package["assessment"]["title"] = "Carried from the field laptop"
    package["responses"][0]["evidence_note"] = "Changed offline."
    page = client.get("/assessments/import")
    assert page.status_code == 200 and "Import an assessment" in text_of(page)
    response = post(
        "/assessments/import",
        {"package": (io.BytesIO(package_bytes(package)), "field.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    imported = db.session.scalar(select(Assessment).where(Assessment.title == "Carried from the field laptop"))
    assert imported.unit.code == "SRB"
    assert _responses(imported)["AAA-01"][FIELDS.index("evidence_note")] == "Changed offline."
    assert db.session.query(Sop).count() == 1  # the register already had SOP-05


def test_upload_page_shows_why_a_package_is_refused(client, scored, post):
    response = post(
        "/assessments/import", {"package": (io.BytesIO(b"{]"), "bad.json")}, content_type="multipart/form-data"
    )
    assert response.status_code == 400 and "not valid JSON" in text_of(response)
    wrong_type = post(
        "/assessments/import", {"package": (io.BytesIO(b"x"), "report.pdf")}, content_type="multipart/form-data"
    )
    assert wrong_type.status_code == 400 and "Choose the .json package" in text_of(wrong_type)


def test_a_unit_head_cannot_import_into_another_unit_or_create_one(
    client, make_unit, make_user, make_assessment, login, post
):
    mine, theirs = make_unit("MINE"), make_unit("THEIRS")
    package = build_package(make_assessment(theirs))
    login(make_user("unit_head", units=[mine]))
    refused = post(
        "/assessments/import",
        {"package": (io.BytesIO(package_bytes(package)), "p.json")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400 and "may not import into unit THEIRS" in text_of(refused)
    package["unit"]["code"] = "NEWUNIT"
    package["assessment"]["title"] = "other"
    new_unit = post(
        "/assessments/import",
        {"package": (io.BytesIO(package_bytes(package)), "p.json")},
        content_type="multipart/form-data",
    )
    # The same answer as for another unit's code: nothing tells a unit head which codes exist.
    assert new_unit.status_code == 400 and "may not import into unit NEWUNIT: it is not one of your units" in text_of(
        new_unit
    )
    assert db.session.scalar(select(Unit).where(Unit.code == "NEWUNIT")) is None
    assert db.session.query(Assessment).count() == 1


def test_assessments_export_command_writes_a_package(runner, scored, tmp_path):
    out = tmp_path / "a.json"
    result = runner.invoke(args=["assessments", "export", str(scored.id), "-o", str(out)])
    assert result.exit_code == 0 and "7 responses" in result.output
    assert json.loads(out.read_text(encoding="utf-8"))["unit"]["code"] == "SRB"


def test_a_package_never_names_the_servers_host(app, make_unit, make_assessment):
    import socket

    from app.services.exchange.packages import build_package, package_bytes

    package = build_package(make_assessment(make_unit("U1")))
    assert socket.gethostname() not in package_bytes(package).decode()
    assert package["installation"]["name"].startswith("installation ")
    app.config["INSTALLATION_NAME"] = "SEESAC regional server"
    assert build_package(make_assessment(make_unit("U2")))["installation"]["name"] == "SEESAC regional server"
