"""Issued reports: written once, served byte for byte, verified, kept across revisions."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.models import Assessment, Event, IssuedReport
from app.services.assessment.workflow import MoveRefused
from app.services.reporting.issuing import IssueError, issue_report
from tests.conftest import finalise, move_to, text_of


@pytest.fixture
def finalised(app, make_unit, make_user, make_assessment, login, save_response, post):
    unit = make_unit("SRB", name="Belgrade Crime Scene Unit")
    head = login(make_user("unit_head", units=[unit], name="Ana Head", email="head@example.org"))
    a = make_assessment(unit, title="Consultation 2026")
    save_response(a.id, "AAA-01", score=1, evidence_note="Seals are not dated.")
    save_response(a.id, "BBB-01", score=3)
    post(f"/assessments/{a.id}/move/finalise", {"confirm": "yes"})
    db.session.expire_all()
    return db.session.get(Assessment, a.id), head


def reports_folder(app) -> Path:
    return Path(app.config["REPORTS_DIR"])


def test_issuing_writes_the_pdf_once_and_records_hash_size_and_sign_off(app, client, finalised, post):
    assessment, head = finalised
    response = post(f"/assessments/{assessment.id}/issue", follow_redirects=True)
    assert "Report issued: revision 1" in text_of(response)
    report = db.session.scalar(select(IssuedReport))
    path = reports_folder(app) / report.filename
    data = path.read_bytes()
    assert report.filename == f"gap-report-SRB-{assessment.id}-r1.pdf"
    assert report.sha256 == hashlib.sha256(data).hexdigest() and report.size == len(data)
    assert report.signed_off_by_id == head.id and report.checklist_ref == "mini@1.0.0"
    assert not os.access(path, os.W_OK) or os.geteuid() == 0  # read-only (root ignores modes)
    assert oct(path.stat().st_mode & 0o777) == "0o444"
    page = text_of(client.get(f"/assessments/{assessment.id}"))
    assert report.short_hash in page and report.short_record in page
    again = post(f"/assessments/{assessment.id}/issue", follow_redirects=True)
    assert "is issued already" in text_of(again)
    assert db.session.query(IssuedReport).count() == 1


def test_a_draft_cannot_be_issued(app, make_unit, make_user, make_assessment):
    unit = make_unit()
    with pytest.raises(IssueError, match="Finalise the assessment"):
        issue_report(make_assessment(unit), make_user("unit_head", units=[unit]))


def test_issued_download_is_served_byte_for_byte_without_rendering(app, client, finalised, monkeypatch):
    assessment, head = finalised
    report = issue_report(assessment, head)
    filed = (reports_folder(app) / report.filename).read_bytes()

    def no_rendering(*args, **kwargs):
        raise AssertionError("an issued report must not be rendered again")

    monkeypatch.setattr("app.web.reports.views.draft_pdf", no_rendering)
    response = client.get(f"/assessments/{assessment.id}/report.pdf", follow_redirects=True)
    assert response.status_code == 200 and response.data == filed
    assert response.headers["ETag"].strip('"') == report.sha256
    assert report.filename in response.headers["Content-Disposition"]
    cached = client.get(f"/reports/{report.id}.pdf", headers={"If-None-Match": f'"{report.sha256}"'})
    assert cached.status_code == 304


def test_footer_and_embedded_record_carry_the_record_hash(app, finalised):
    assessment, head = finalised
    report = issue_report(assessment, head)
    reader = PdfReader(reports_folder(app) / report.filename)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert f"Revision 1 · record {report.short_record}" in " ".join(text.split())
    attachments = reader.attachments
    assert list(attachments) == ["assessment-record.json"]
    record = json.loads(attachments["assessment-record.json"][0])
    assert record["checklist"] == {
        "id": "mini",
        "version": "1.0.0",
        "content_hash": assessment.checklist_version.content_hash,
    }
    from app.services.exchange.packages import record_hash

    assert record_hash(record) == report.record_hash


def test_reopening_makes_a_new_revision_and_keeps_the_old_file(app, client, finalised, post, save_response):
    assessment, head = finalised
    first = issue_report(assessment, head)
    first_bytes = (reports_folder(app) / first.filename).read_bytes()
    assert post(f"/assessments/{assessment.id}/move/reopen", {"confirm": "yes"}).status_code == 302
    db.session.expire_all()
    assessment = db.session.get(Assessment, assessment.id)
    assert (assessment.stage, assessment.revision) == ("self_assessment", 2)
    assert save_response(assessment.id, "AAA-01", score=3).status_code == 302
    post(f"/assessments/{assessment.id}/move/finalise", {"confirm": "yes"})
    db.session.expire_all()
    second = issue_report(db.session.get(Assessment, assessment.id), head)
    assert second.filename.endswith("-r2.pdf") and second.record_hash != first.record_hash
    assert (reports_folder(app) / first.filename).read_bytes() == first_bytes
    assert client.get(f"/reports/{first.id}.pdf").data == first_bytes
    page = text_of(client.get(f"/assessments/{assessment.id}"))
    assert first.short_hash in page and second.short_hash in page


def test_reopening_a_draft_is_refused(app, make_unit, make_user, make_assessment):
    unit = make_unit()
    with pytest.raises(MoveRefused, match="not possible"):
        move_to(make_assessment(unit), "reopen", make_user("unit_head", units=[unit]))


def test_a_tampered_issued_file_is_not_served(app, client, finalised):
    assessment, head = finalised
    report = issue_report(assessment, head)
    path = reports_folder(app) / report.filename
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    response = client.get(f"/reports/{report.id}.pdf")
    assert response.status_code == 409 and "no longer matches its recorded hash" in text_of(response)


def test_verify_names_missing_and_altered_files(app, runner, make_unit, make_user, make_assessment):
    unit = make_unit("MNE")
    head = make_user("unit_head", units=[unit])
    reports = []
    for title in ("One", "Two", "Three"):
        a = make_assessment(unit, title=title)
        finalise(a, head)
        reports.append(issue_report(a, head))
    ok = runner.invoke(args=["report", "verify"])
    assert ok.exit_code == 0 and "3 issued reports checked, 0 missing or altered, 0 files" in ok.output
    folder = reports_folder(app)
    (folder / reports[0].filename).unlink()
    altered = folder / reports[1].filename
    os.chmod(altered, 0o644)
    altered.write_bytes(altered.read_bytes() + b"\n%tampered")
    result = runner.invoke(args=["report", "verify"])
    assert result.exit_code == 1
    assert f"MISSING  {reports[0].filename}" in result.output
    assert f"ALTERED  {reports[1].filename}" in result.output
    assert f"OK       {reports[2].filename}" in result.output


def test_report_issue_command_signs_off_as_the_finaliser_or_a_named_user(
    app, runner, make_unit, make_user, make_assessment
):
    unit = make_unit("KOS")
    head = make_user("unit_head", units=[unit], email="head@kos.example")
    viewer = make_user("viewer", units=[unit], email="viewer@kos.example")
    a = make_assessment(unit)
    draft = runner.invoke(args=["report", "issue", str(a.id)])
    assert draft.exit_code == 1 and "--by EMAIL" in draft.output
    finalise(a, head)
    refused = runner.invoke(args=["report", "issue", str(a.id), "--by", viewer.email])
    assert refused.exit_code == 1 and "may not issue" in refused.output
    result = runner.invoke(args=["report", "issue", str(a.id)])
    assert result.exit_code == 0, result.output
    assert f"gap-report-KOS-{a.id}-r1.pdf" in result.output
    assert db.session.scalar(select(IssuedReport)).signed_off_by_id == head.id
    again = runner.invoke(args=["report", "issue", str(a.id)])
    assert again.exit_code == 1 and "issued already" in again.output


def test_viewer_downloads_issued_reports_but_cannot_issue_or_reopen(
    app, client, make_unit, make_user, make_assessment, login, post
):
    unit = make_unit("ALB")
    head = make_user("unit_head", units=[unit])
    a = make_assessment(unit)
    finalise(a, head)
    report = issue_report(a, head)
    login(make_user("viewer", units=[unit]))
    assert client.get(f"/reports/{report.id}.pdf").status_code == 200
    assert post(f"/assessments/{a.id}/move/reopen").status_code == 403
    assert post(f"/assessments/{a.id}/issue").status_code == 403


def _unit_with_finalised(make_unit, make_user, make_assessment, code="FAIL"):
    unit = make_unit(code)
    head = make_user("unit_head", units=[unit])
    a = make_assessment(unit)
    finalise(a, head)
    return a, head


def test_a_database_failure_while_issuing_leaves_neither_file_nor_record_and_a_retry_works(
    app, monkeypatch, make_unit, make_user, make_assessment
):
    a, head = _unit_with_finalised(make_unit, make_user, make_assessment)
    real_commit = db.session.commit

    def failing_commit():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", failing_commit)
    with pytest.raises(RuntimeError):
        issue_report(a, head)
    monkeypatch.setattr(db.session, "commit", real_commit)
    assert list(reports_folder(app).glob("*.pdf")) == []
    assert db.session.query(IssuedReport).count() == 0
    report = issue_report(db.session.get(Assessment, a.id), head)
    assert (reports_folder(app) / report.filename).is_file()


def test_a_file_left_without_a_record_is_named_by_verify_and_the_next_issue_completes(
    app, runner, make_unit, make_user, make_assessment
):
    a, head = _unit_with_finalised(make_unit, make_user, make_assessment, code="CRASH")
    folder = reports_folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    left = folder / f"gap-report-CRASH-{a.id}-r1.pdf"
    left.write_bytes(b"%PDF-1.7 written before the process died")  # as a crash after writing would leave it
    result = runner.invoke(args=["report", "verify"])
    assert result.exit_code == 1 and f"UNKNOWN  {left.name}  no issued report records this file" in result.output
    report = issue_report(a, head)
    assert report.filename == left.name and (folder / left.name).read_bytes().startswith(b"%PDF")
    assert (folder / left.name).read_bytes() != b"%PDF-1.7 written before the process died"
    aside = list((folder / ".unrecorded").iterdir())
    assert len(aside) == 1 and aside[0].name.endswith(left.name)  # kept for an administrator, never deleted
    again = runner.invoke(args=["report", "verify"])
    assert again.exit_code == 1 and f"SET-ASIDE .unrecorded/{aside[0].name}" in again.output
    assert "--repair deals with them" in again.output
    repaired = runner.invoke(args=["report", "verify", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert f"REPAIRED acknowledged .unrecorded/{aside[0].name}" in repaired.output
    assert (folder / ".unrecorded" / "acknowledged" / aside[0].name).read_bytes().startswith(b"%PDF-1.7 written")
    assert runner.invoke(args=["report", "verify"]).exit_code == 0  # acknowledged: kept, no longer a failure
    (repair,) = db.session.scalars(select(Event).where(Event.name == "report.verify_repaired"))
    assert aside[0].name in repair.summary


def test_a_temporary_file_left_by_an_unfinished_issue_is_named_and_removed_by_repair(
    app, runner, make_unit, make_user, make_assessment
):
    a, head = _unit_with_finalised(make_unit, make_user, make_assessment, code="TMP")
    issue_report(a, head)
    folder = reports_folder(app)
    left = folder / ".issuing-abc123.pdf"
    left.write_bytes(b"%PDF-1.7 complete, but the process died before its name was linked")
    stray = folder / "copied-in-by-hand.pdf"
    stray.write_bytes(b"%PDF-1.7")
    found = runner.invoke(args=["report", "verify"])
    assert found.exit_code == 1
    assert "TEMPORARY .issuing-abc123.pdf  left by an issue that did not finish" in found.output
    assert "UNKNOWN  copied-in-by-hand.pdf" in found.output
    repaired = runner.invoke(args=["report", "verify", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert "REPAIRED removed .issuing-abc123.pdf" in repaired.output and not left.exists()
    assert not stray.exists() and list((folder / ".unrecorded" / "acknowledged").glob("*copied-in-by-hand.pdf"))


def test_repair_leaves_missing_and_altered_reports_failing(app, runner, make_unit, make_user, make_assessment):
    a, head = _unit_with_finalised(make_unit, make_user, make_assessment, code="GONE")
    report = issue_report(a, head)
    (reports_folder(app) / report.filename).unlink()
    result = runner.invoke(args=["report", "verify", "--repair"])
    assert result.exit_code == 1 and f"MISSING  {report.filename}" in result.output


def test_a_recorded_file_is_never_replaced(app, make_unit, make_user, make_assessment):
    a, head = _unit_with_finalised(make_unit, make_user, make_assessment, code="KEEP")
    report = issue_report(a, head)
    db.session.delete(report)  # the record goes, as if another process were issuing the same revision
    db.session.flush()
    other = IssuedReport(
        assessment_id=a.id,
        revision=99,
        filename=report.filename,
        sha256="0" * 64,
        size=1,
        checklist_ref="x",
        checklist_hash="x",
        record_hash="x",
        pdf_variant="x",
    )
    db.session.add(other)
    db.session.commit()
    with pytest.raises(IssueError, match="exists already in the reports folder"):
        issue_report(db.session.get(Assessment, a.id), head)


def test_a_viewer_downloads_the_readers_copy_of_an_issued_report(app, client, finalised, login, make_user, post):
    assessment, head = finalised
    report = issue_report(assessment, head)
    folder = reports_folder(app)
    assert sorted(p.name for p in folder.iterdir()) == sorted([report.filename, report.reader_filename])
    assert report.reader_filename == report.filename.replace(".pdf", "-reader.pdf")
    full = (folder / report.filename).read_bytes()
    copy = (folder / report.reader_filename).read_bytes()
    assert report.reader_sha256 == hashlib.sha256(copy).hexdigest() and report.reader_size == len(copy)
    assert list(PdfReader(folder / report.reader_filename).attachments) == ["report-record.json"]

    assert client.get(f"/reports/{report.id}.pdf").data == full  # the unit head may export: the whole record
    post("/logout")
    login(make_user("viewer", units=[assessment.unit], email="director@x.example"))
    response = client.get(f"/reports/{report.id}.pdf")
    assert response.status_code == 200 and response.data == copy
    assert report.reader_filename in response.headers["Content-Disposition"]
    assert response.headers["ETag"].strip('"') == report.reader_sha256
    page = text_of(client.get(f"/assessments/{assessment.id}"))
    assert report.reader_sha256[:12] in page and report.short_hash not in page
    assert "Your copies carry only what the report prints" in page
    downloads = db.session.scalars(select(Event).where(Event.name == "report.downloaded")).all()
    assert [e.summary for e in downloads] == [report.filename, report.reader_filename]


def test_a_report_issued_before_readers_copies_is_refused_to_a_viewer_with_a_reason(
    app, client, finalised, login, make_user, post
):
    assessment, head = finalised
    report = issue_report(assessment, head)
    report.reader_filename = report.reader_sha256 = report.reader_size = None  # as issued by an earlier version
    db.session.commit()
    assert client.get(f"/reports/{report.id}.pdf").status_code == 200
    post("/logout")
    login(make_user("viewer", units=[assessment.unit], email="director@x.example"))
    response = client.get(f"/reports/{report.id}.pdf")
    assert response.status_code == 403
    assert "issued before reader's copies were filed" in text_of(response)
    assert response.mimetype == "text/html"


def test_verify_checks_the_readers_copy_too(app, runner, make_unit, make_user, make_assessment):
    a, head = _unit_with_finalised(make_unit, make_user, make_assessment, code="COPY")
    report = issue_report(a, head)
    path = reports_folder(app) / report.reader_filename
    os.chmod(path, 0o644)
    path.write_bytes(path.read_bytes() + b"%")
    result = runner.invoke(args=["report", "verify"])
    assert result.exit_code == 1
    assert f"ALTERED  {report.reader_filename}" in result.output
    assert f"OK       {report.filename}" in result.output
    assert "1 issued reports checked, 1 missing or altered, 0 files" in result.output


@pytest.mark.parametrize("which", [0, 1])
def test_a_full_disk_while_issuing_says_so_and_leaves_nothing(app, client, finalised, post, monkeypatch, which):
    import errno

    from app.services.reporting import issuing

    assessment, _head = finalised
    real_write = issuing._write_once
    calls = []

    def full_disk(path, data):
        calls.append(path)
        if len(calls) > which:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(path, data)

    monkeypatch.setattr(issuing, "_write_once", full_disk)
    response = post(f"/assessments/{assessment.id}/issue", follow_redirects=True)
    assert response.status_code == 200
    assert "disk is full: the report was not issued and nothing was filed" in text_of(response)
    assert list(reports_folder(app).iterdir()) == []  # no file, no temporary file
    assert db.session.query(IssuedReport).count() == 0
    assert db.session.scalar(select(Event).where(Event.name == "report.issued")) is None
    monkeypatch.setattr(issuing, "_write_once", real_write)
    again = post(f"/assessments/{assessment.id}/issue", follow_redirects=True)
    assert "Report issued: revision 1" in text_of(again)


def test_reader_copies_are_filed_for_reports_issued_before_while_the_record_is_unchanged(
    app, runner, make_unit, make_user, make_assessment, client, login
):
    kept, head = _unit_with_finalised(make_unit, make_user, make_assessment, code="OLD")
    changed, other_head = _unit_with_finalised(make_unit, make_user, make_assessment, code="MOVED")
    reports = [issue_report(kept, head), issue_report(changed, other_head)]
    for report in reports:  # as issued by an earlier version: no reader's copy
        (reports_folder(app) / report.reader_filename).unlink()
        report.reader_filename = report.reader_sha256 = report.reader_size = None
    move_to(changed, "reopen", other_head)
    db.session.commit()
    result = runner.invoke(args=["report", "reader-copies"])
    assert result.exit_code == 0, result.output
    assert "assessment has changed since it was issued (now revision 2)" in result.output
    assert "1 of 2 reports without a reader's copy have one now" in result.output
    db.session.expire_all()
    filed = db.session.get(IssuedReport, reports[0].id)
    assert filed.reader_filename == filed.filename.replace(".pdf", "-reader.pdf")
    assert db.session.get(IssuedReport, reports[1].id).reader_filename is None
    assert list(PdfReader(reports_folder(app) / filed.reader_filename).attachments) == ["report-record.json"]
    assert runner.invoke(args=["report", "verify"]).exit_code == 0
    login(make_user("viewer", units=[kept.unit], email="director@old.example"))
    assert client.get(f"/reports/{filed.id}.pdf").status_code == 200
    assert db.session.scalar(select(Event).where(Event.name == "report.reader_copy_filed")) is not None
