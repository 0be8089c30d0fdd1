"""The command-line contract of DESIGN.md."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.security import check_password_hash

from app.extensions import db
from app.models import Assessment, ChecklistVersion, Unit, User
from app.services.content.checklists import checklist_of
from tests.conftest import MINI, demo_app, demo_assessment_id


def test_validate_accepts_the_shipped_checklists(shipped_validation):
    result = shipped_validation
    assert result.exit_code == 0, result.output
    assert "csi-sop-enfsi@" in result.output and "valid" in result.output


def test_validate_prints_one_line_per_error_and_exits_1(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    text = MINI.read_text().replace("criticality: desirable", "criticality: maybe")
    bad.write_text(
        text.replace(
            "        consequence: quality\n        references: [{source: GUIDE}]",
            "        references: [{source: GUIDE}]",
        )
    )
    result = runner.invoke(args=["checklists", "validate", str(bad), str(MINI)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(bad))]
    assert len(lines) == 2
    assert all(": AAA-0" in line for line in lines)
    assert "Traceback" not in result.output
    assert "mini@1.0.0 valid" in result.output  # the good file is still reported


def test_load_stores_a_version_once(runner):
    first = runner.invoke(args=["checklists", "load", str(MINI)])
    assert first.exit_code == 0 and "stored: 3 sections, 7 requirements" in first.output
    second = runner.invoke(args=["checklists", "load", str(MINI)])
    assert second.exit_code == 0 and "already loaded" in second.output
    assert db.session.scalar(select(db.func.count(ChecklistVersion.id))) == 1


def test_load_refuses_changed_content_under_the_same_version(runner, tmp_path):
    runner.invoke(args=["checklists", "load", str(MINI)])
    changed = tmp_path / "mini.yaml"
    changed.write_text(MINI.read_text().replace("Lock the store.", "Lock the store and log the keys."))
    result = runner.invoke(args=["checklists", "load", str(changed)])
    assert result.exit_code == 1
    assert "already loaded with different content" in result.output and "raise checklist.version" in result.output
    bumped = tmp_path / "mini-2.yaml"
    bumped.write_text(changed.read_text().replace('version: "1.0.0"', 'version: "1.1.0"'))
    assert runner.invoke(args=["checklists", "load", str(bumped)]).exit_code == 0
    assert sorted(v.version for v in db.session.scalars(select(ChecklistVersion))) == ["1.0.0", "1.1.0"]


def test_load_of_an_invalid_file_stores_nothing(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("checklist: [")
    result = runner.invoke(args=["checklists", "load", str(bad)])
    assert result.exit_code == 1 and "YAML syntax" in result.output
    assert db.session.scalar(select(db.func.count(ChecklistVersion.id))) == 0


def test_matrix_lists_citations_and_no_uncited_clause(runner):
    result = runner.invoke(args=["checklists", "matrix"])
    assert result.exit_code == 0, result.output
    assert "Uncited ISO17020 clauses: none" in result.output
    assert "Uncited ENFSI-SOC clauses: none" in result.output
    assert result.output.startswith("csi-sop-enfsi@2.1.1")  # the latest shipped version by default
    assert "  7.1.5 (Review of requests and work orders): GOV-08, INI-01, INI-12, INI-13" in result.output
    assert "recording (Recording the scene; 5.3 in v1.0): REC-01" in result.output


def test_matrix_of_an_earlier_version_by_its_file(runner):
    result = runner.invoke(args=["checklists", "matrix", "checklists/csi-sop-enfsi-1.0.0.yaml"])
    assert result.exit_code == 0 and result.output.startswith("csi-sop-enfsi@1.0.0")
    assert "7.3 (Inspection records):" in result.output


def test_matrix_exits_1_when_a_tracked_clause_is_uncited(runner, tmp_path):
    text = MINI.read_text().replace("      - id: ISO17020", "      - id: ISO17020")
    path = tmp_path / "m.yaml"
    path.write_text(text.replace('clause: "7.1"}', 'clause: "7.2"}'))
    result = runner.invoke(args=["checklists", "matrix", str(path)])
    assert result.exit_code == 1
    assert "Uncited ISO17020 clauses: 7.1" in result.output


def test_users_create_reads_the_password_from_stdin_and_hashes_it(runner, make_unit):
    make_unit("SRB")
    result = runner.invoke(
        args=["users", "create", "Head@Example.org", "--role", "unit_head", "--unit", "srb", "--name", "Ana"],
        input="a long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.email == "head@example.org" and [u.code for u in user.units] == ["SRB"]
    assert user.password_hash != "a long enough secret"
    assert check_password_hash(user.password_hash, "a long enough secret")


def test_users_create_refuses_short_password_unknown_unit_and_duplicates(runner, make_unit):
    make_unit("SRB")
    short = runner.invoke(args=["users", "create", "a@b.org", "--role", "viewer", "--unit", "SRB"], input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    unknown = runner.invoke(
        args=["users", "create", "a@b.org", "--role", "viewer", "--unit", "XXX"], input="long enough pw\n"
    )
    assert unknown.exit_code == 1 and "no unit with code XXX" in unknown.output
    assert (
        runner.invoke(
            args=["users", "create", "a@b.org", "--role", "viewer", "--unit", "SRB"], input="long enough pw\n"
        ).exit_code
        == 0
    )
    again = runner.invoke(args=["users", "create", "A@b.org", "--role", "viewer"], input="long enough pw\n")
    assert again.exit_code == 1 and "exists already" in again.output
    bad_role = runner.invoke(args=["users", "create", "c@b.org", "--role", "chief"], input="long enough pw\n")
    assert bad_role.exit_code == 2


def test_bootstrap_creates_one_admin_with_a_password_shown_once(runner):
    first = runner.invoke(args=["users", "bootstrap"])
    assert first.exit_code == 0
    password = next(line.split(":", 1)[1].strip() for line in first.output.splitlines() if "password:" in line)
    admin = db.session.scalar(select(User))
    assert admin.role == "admin" and check_password_hash(admin.password_hash, password)
    second = runner.invoke(args=["users", "bootstrap"])
    assert second.exit_code == 0 and second.output == ""
    assert db.session.scalar(select(db.func.count(User.id))) == 1


def test_units_create_and_refuse_a_duplicate_code(runner):
    result = runner.invoke(args=["units", "create", "mne", "Forensic Centre CSI", "--jurisdiction", "Montenegro"])
    assert result.exit_code == 0 and "Created unit MNE" in result.output
    again = runner.invoke(args=["units", "create", "MNE", "Other", "--jurisdiction", "Montenegro"])
    assert again.exit_code == 1 and "exists already" in again.output


def test_demo_creates_a_partly_scored_firearms_assessment_once(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assessment = db.session.scalar(select(Assessment))
    # Every module, as the web form starts: firearms and the six scene types.
    assert assessment.unit.name == "Demo CSI Unit" and "firearms" in assessment.modules
    assert len(assessment.modules) == len(checklist_of(assessment.checklist_version).modules) == 7
    assert len(assessment.unit.sops) >= 8
    scored = [r for r in assessment.responses if r.value is not None or r.not_applicable]
    assert 0.6 * len(assessment.responses) < len(scored) < len(assessment.responses)
    assert all(r.evidence_note for r in scored if not r.not_applicable)
    assert any(r.not_applicable and r.na_justification for r in scored)
    again = runner.invoke(args=["demo"])
    assert "Found existing" in again.output
    assert db.session.scalar(select(db.func.count(Assessment.id))) == 1


def test_demo_profile_is_strong_on_recording_and_weak_on_governance(demo_database, tmp_path):
    from app.services.assessment.assessments import score_sheet

    app = demo_app(demo_database, tmp_path)  # the demo `flask demo` makes, built once per run
    with app.app_context():
        sheet = score_sheet(db.session.get(Assessment, demo_assessment_id()))
        by_section = {r.section.id: r.summary.score for r in sheet.result.sections}
        strong = min(by_section["REC"], by_section["RCV"], by_section["FAS"])
        weak = max(by_section["GOV"], by_section["MET"], by_section["FPM"])
        assert strong > 0.6 and weak < 0.55 and strong - weak > 0.15


def test_assessments_list_prints_one_line_each(runner, make_unit, make_assessment):
    a = make_assessment(make_unit("ALB"), title="Spring review")
    result = runner.invoke(args=["assessments", "list"])
    assert result.output.strip() == f"{a.id}\tALB\tmini@1.0.0\tself_assessment\tSpring review"


def test_report_render_writes_a_pdf(runner, make_unit, make_assessment, tmp_path):
    a = make_assessment(make_unit("KOS", name="Kosovo CSI"))
    out = tmp_path / "r.pdf"
    result = runner.invoke(args=["report", "render", str(a.id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Kosovo CSI" in text
    missing = runner.invoke(args=["report", "render", "999", "-o", str(out)])
    assert missing.exit_code == 1 and "no assessment 999" in missing.output


def test_init_db_migrations_build_the_schema_the_models_describe(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app import create_app

    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite3'}"}
    )
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with app.app_context(), db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []
    assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0  # a second run is a no-op


def test_units_are_uppercased_codes(runner):
    runner.invoke(args=["units", "create", "bih", "Sarajevo CSI", "--jurisdiction", "Bosnia and Herzegovina"])
    assert db.session.scalar(select(Unit.code)) == "BIH"


def test_a_stored_version_is_rebuilt_from_its_stored_content_and_checked_by_hash(runner):
    from app.domain.loader import load_checklist_file
    from app.services.content import checklists as service

    runner.invoke(args=["checklists", "load", str(MINI)])
    version = db.session.scalar(select(ChecklistVersion))
    service._cache.clear()
    rebuilt = service.checklist_of(version)
    assert rebuilt.content_hash == version.content_hash == load_checklist_file(MINI)[0].content_hash
    assert [r.id for r in rebuilt.requirements(["firearms"])] == [
        "AAA-01",
        "AAA-02",
        "AAA-03",
        "BBB-01",
        "BBB-02",
        "FFF-01",
        "FFF-02",
    ]
    tampered = dict(version.document, sections=version.document["sections"][:1])
    version.document = tampered
    service._cache.clear()
    from app.domain.loader import ChecklistInvalid

    with pytest.raises(ChecklistInvalid, match="no longer matches its content hash"):
        service.checklist_of(version)
    db.session.rollback()
