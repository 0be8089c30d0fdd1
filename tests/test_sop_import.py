"""Importing SOP documents: every format, the refusals (nothing stored), versions, re-checks and the CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Citation, Event, Sop, SopDocument, SopSection
from app.services.content.sop_documents import import_sop_document, read_original, sops_dir
from app.services.content.sops import SopError
from tests.conftest import finalise, response_of
from tests.sop_files import (
    corrupt_docx_bytes,
    docx_bytes,
    encrypted_pdf_bytes,
    markdown_bytes,
    odt_bytes,
    pdf_bytes,
    scanned_pdf_bytes,
    text_bytes,
    zip_without_document,
)

SCENE_SECTIONS = [
    ("0", "", 31),
    ("1", "Purpose", 71),
    ("2", "Recording the scene", 59),
    ("2.1", "Photography", 61),
    ("2.2", "Sketches", 51),
    ("3", "Packaging", 46),
]

#: Version 2 of the scene SOP: 2.1 reworded, 2.2 gone, 4 new, 1 only reflowed.
SCENE_SOP_V2 = [
    (None, "Issued by the head of the unit."),
    (1, "1 Purpose"),
    (None, "This procedure says how the scene is recorded  before anything is moved."),
    (1, "2 Recording the scene"),
    (None, "Photographs are taken from the entrance towards the centre."),
    (2, "2.1 Photography"),
    (None, "Every photograph is entered in the photo log with its number, time and direction."),
    (1, "3 Packaging"),
    (None, "Each item is packed in its own bag and sealed."),
    (1, "4 Transport"),
    (None, "Items travel in a locked case."),
]


def _stored(sop_code="SOP-01"):
    db.session.expire_all()
    return db.session.scalar(select(Sop).where(Sop.code == sop_code))


def _nothing_stored(app):
    folder = sops_dir()
    assert db.session.scalar(select(func.count(SopDocument.id))) == 0
    assert db.session.scalar(select(func.count(Sop.id))) == 0
    assert db.session.scalar(select(func.count(Event.id)).where(Event.name == "sop.document_imported")) == 0
    assert [p.name for p in folder.iterdir()] == []


@pytest.mark.parametrize(
    ("filename", "build", "media_type", "pages"),
    [
        ("scene.docx", docx_bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", None),
        ("scene.odt", odt_bytes, "application/vnd.oasis.opendocument.text", None),
        ("scene.md", markdown_bytes, "text/markdown", None),
        ("scene.txt", text_bytes, "text/plain", None),
        ("scene.pdf", pdf_bytes, "application/pdf", 1),
    ],
)
def test_each_format_imports_with_its_numbered_sections(app, make_unit, filename, build, media_type, pages):
    unit = make_unit()
    data = build()
    outcome = import_sop_document(unit, data, filename, code="SOP-01", version="1.0", issued_on=dt.date(2025, 3, 1))
    document = outcome.document
    assert outcome.created_entry
    assert [(s.number, s.heading, s.length) for s in document.sections] == SCENE_SECTIONS
    assert (document.media_type, document.page_count, document.size) == (media_type, pages, len(data))
    sop = _stored()
    assert (sop.title, sop.version, sop.issued_on) == ("Purpose", "1.0", dt.date(2025, 3, 1))
    filed = sops_dir() / document.stored_filename
    assert filed.read_bytes() == data and document.sha256 == hashlib.sha256(data).hexdigest()
    assert not os.access(filed, os.W_OK) or os.geteuid() == 0
    assert oct(filed.stat().st_mode & 0o777) == "0o444"
    assert read_original(document) == data


def test_the_type_is_read_from_the_content_not_the_name(app, make_unit):
    outcome = import_sop_document(make_unit(), docx_bytes(), "scene.pdf", code="SOP-01")
    assert outcome.document.media_type.endswith("wordprocessingml.document")
    assert outcome.document.stored_filename.endswith(".docx")


@pytest.mark.parametrize(
    ("filename", "build", "message"),
    [
        (
            "scan.pdf",
            scanned_pdf_bytes,
            "This PDF has no text layer (it looks scanned); export it from the word processor or run OCR first",
        ),
        ("locked.pdf", encrypted_pdf_bytes, "the PDF is protected with a password"),
        ("cut.pdf", lambda: pdf_bytes()[:-400], "the PDF is incomplete"),
        ("cut.docx", corrupt_docx_bytes, "the file is damaged and cannot be read"),
        ("archive.docx", zip_without_document, "this is not a PDF, DOCX, ODT"),
        ("photo.png", lambda: b"\x89PNG\r\n\x1a\n" + bytes(100), "this is not a PDF, DOCX, ODT"),
        ("old.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old Word (.doc) file"),
        ("latin2.txt", lambda: "1 Svrha\nČuvanje".encode("cp1250"), "the text is not UTF-8"),
        ("empty.txt", lambda: b"", "the file is empty"),
        ("blank.md", lambda: b"\n\n   \n", "the document holds no text"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_why_and_nothing_is_stored(app, make_unit, filename, build, message):
    unit = make_unit()
    with pytest.raises(SopError) as refused:
        import_sop_document(unit, build(), filename, code="SOP-01", version="1")
    assert str(refused.value).startswith(f"{filename} was not imported: ")
    assert message in str(refused.value)
    db.session.rollback()
    _nothing_stored(app)


def test_too_large_a_file_is_refused_before_it_is_read(app, make_unit):
    app.config["SOP_MAX_BYTES"] = 1000
    with pytest.raises(SopError, match=r"big\.txt was not imported: the file is 0\.0 MB; at most 0 MB"):
        import_sop_document(make_unit(), b"x" * 1001, "big.txt", code="SOP-01")
    _nothing_stored(app)


def test_a_document_that_takes_too_long_is_stopped_and_refused(app, make_unit):
    app.config["SOP_SECONDS"] = 0.000001
    with pytest.raises(SopError, match=r"scene\.pdf was not imported: reading it took longer than 1e-06 seconds"):
        import_sop_document(make_unit(), pdf_bytes(), "scene.pdf", code="SOP-01")
    _nothing_stored(app)


def test_a_failed_commit_leaves_no_file(app, make_unit, monkeypatch):
    unit = make_unit()

    def broken_commit():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        import_sop_document(unit, text_bytes(), "scene.txt", code="SOP-01")
    monkeypatch.undo()
    _nothing_stored(app)


def test_a_document_without_headings_is_one_section(app, make_unit):
    outcome = import_sop_document(make_unit(), b"Only text.\nMore text.", "memo.txt", code="MEMO")
    assert outcome.document.no_headings
    assert [(s.number, s.length) for s in outcome.document.sections] == [("1", 21)]
    assert _stored("MEMO").title == "memo"


def test_the_same_file_again_is_already_imported_and_nothing_new(app, make_unit):
    unit = make_unit()
    import_sop_document(unit, text_bytes(), "scene.txt", code="SOP-01", version="1")
    again = import_sop_document(unit, text_bytes(), "copy.txt", code="sop-01", version="2")
    assert again.already_imported and again.document.version == "1"
    assert db.session.scalar(select(func.count(SopDocument.id))) == 1
    assert _stored().version == "1"


def test_the_same_version_with_other_content_is_refused(app, make_unit):
    unit = make_unit()
    import_sop_document(unit, text_bytes(), "scene.txt", code="SOP-01", version="1")
    with pytest.raises(SopError, match="version 1 of SOP-01 was imported before with other content"):
        import_sop_document(unit, text_bytes(SCENE_SOP_V2), "scene2.txt", code="SOP-01", version="1")
    assert db.session.scalar(select(func.count(SopDocument.id))) == 1
    assert len(list(sops_dir().iterdir())) == 1


def test_importing_a_registered_code_uses_the_entry_and_keeps_its_title(app, make_unit, make_sop):
    unit = make_unit()
    make_sop(unit, code="SOP-01", title="Scene work", version="3.0")
    outcome = import_sop_document(unit, text_bytes(), "scene.txt", code="SOP-01")
    assert not outcome.created_entry and outcome.document.version == "3.0"
    assert _stored().title == "Scene work"


def _cite(assessment, requirement, sop, section):
    response = response_of(assessment, requirement)
    response.citations.append(Citation(sop_id=sop.id, section=section, position=len(response.citations)))
    db.session.commit()


def test_a_new_version_keeps_history_diffs_and_marks_open_answers_citing_changed_sections(
    app, make_unit, make_user, make_assessment
):
    unit = make_unit()
    head = make_user("unit_head", units=[unit])
    first = import_sop_document(unit, docx_bytes(), "scene.docx", code="SOP-01", version="1")
    sop = first.sop
    draft = make_assessment(unit, title="Draft")
    _cite(draft, "AAA-01", sop, "2.1")  # reworded
    _cite(draft, "AAA-02", sop, "2.2.")  # removed
    _cite(draft, "AAA-03", sop, "1")  # only reflowed: not marked
    _cite(draft, "BBB-01", sop, "2")  # the chapter, whose subsections changed
    locked = make_assessment(unit, title="Locked")
    _cite(locked, "AAA-01", sop, "2.1")
    answer_everything_and_finalise(locked, head)

    second = import_sop_document(
        unit, docx_bytes(SCENE_SOP_V2), "scene-v2.docx", code="SOP-01", version="2", issued_on=dt.date(2026, 1, 5)
    )
    diff = second.diff
    assert second.previous.version == "1"
    assert [s.number for s in diff.added] == ["4"]
    assert [s.number for s in diff.removed] == ["2.2"]
    assert [c.number for c in diff.changed] == ["2.1"]
    assert second.marked == 3
    assert [d.version for d in db.session.scalars(select(SopDocument).order_by(SopDocument.id))] == ["1", "2"]
    assert db.session.scalar(select(func.count(SopSection.id))) == 6 + 6
    sop = _stored()
    assert (sop.version, sop.issued_on) == ("2", dt.date(2026, 1, 5))
    marked = {code: response_of(draft, code) for code in ("AAA-01", "AAA-02", "AAA-03", "BBB-01")}
    assert {code: r.recheck for code, r in marked.items()} == {
        "AAA-01": True,
        "AAA-02": True,
        "AAA-03": False,
        "BBB-01": True,
    }
    assert marked["AAA-01"].recheck_reason == (
        "SOP-01 changed from version 1 to 2, and the section cited here (2.1) changed or was removed: "
        "check that the answer still holds."
    )
    assert not response_of(locked, "AAA-01").recheck  # a finalised assessment is never touched
    events = db.session.scalars(select(Event).where(Event.name == "response.recheck_marked")).all()
    assert [(e.assessment_id, e.summary) for e in events] == [
        (draft.id, "SOP-01 v1 -> v2: 3 to re-check (AAA-01, AAA-02, BBB-01)")
    ]


def answer_everything_and_finalise(assessment, user):
    from tests.conftest import answer_the_rest

    answer_the_rest(assessment)
    finalise(assessment, user)


def test_still_holds_clears_a_sop_recheck_on_the_card(app, make_unit, make_user, make_assessment, login, client, post):
    unit = make_unit()
    head = make_user("unit_head", units=[unit])
    sop = import_sop_document(unit, docx_bytes(), "scene.docx", code="SOP-01", version="1").sop
    draft = make_assessment(unit)
    _cite(draft, "AAA-01", sop, "2.1")
    import_sop_document(unit, docx_bytes(SCENE_SOP_V2), "scene-v2.docx", code="SOP-01", version="2")
    login(head)
    page = client.get(f"/assessments/{draft.id}/score?filter=recheck").get_data(as_text=True)
    assert "the section cited here (2.1) changed or was removed" in page
    response = post(
        f"/assessments/{draft.id}/responses/AAA-01/confirm", {"version": response_of(draft, "AAA-01").version}
    )
    assert response.status_code == 302
    stored = response_of(draft, "AAA-01")
    assert (stored.recheck, stored.recheck_reason) == (False, "")


# --- the command line ----------------------------------------------------------------------


def test_cli_import_then_sections_prints_one_tab_separated_line_per_section(runner, make_unit, tmp_path):
    make_unit("U1")
    path = tmp_path / "scene.pdf"
    path.write_bytes(pdf_bytes())
    result = runner.invoke(
        args=["sops", "import", "U1", str(path), "--code", "SOP-01", "--version", "1", "--date", "2025-03-01"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Imported SOP-01 v1 into U1: scene.pdf, 1 pages, 6 sections (new register entry)\n"
    listed = runner.invoke(args=["sops", "sections", "U1", "SOP-01"])
    assert listed.exit_code == 0
    assert listed.output.splitlines() == [f"{n}\t{h}\t{length}" for n, h, length in SCENE_SECTIONS]


def test_cli_new_version_prints_the_diff_and_the_rechecks(runner, make_unit, make_assessment, tmp_path):
    unit = make_unit("U1")
    first, second = tmp_path / "v1.md", tmp_path / "v2.md"
    first.write_bytes(markdown_bytes())
    second.write_bytes(markdown_bytes(SCENE_SOP_V2))
    assert runner.invoke(args=["sops", "import", "U1", str(first), "--code", "SOP-01"]).exit_code == 0
    draft = make_assessment(unit)
    _cite(draft, "AAA-01", _stored(), "2.1")
    result = runner.invoke(args=["sops", "import", "U1", str(second), "--code", "SOP-01", "--version", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Imported SOP-01 v2 into U1: v2.md, 6 sections",
        "Since v1: 1 added, 1 removed, 1 changed",
        "added\t4\tTransport",
        "removed\t2.2\tSketches",
        "changed\t2.1\tPhotography\ttext",
        "1 responses marked for re-check",
    ]
    again = runner.invoke(args=["sops", "import", "U1", str(second), "--code", "SOP-01", "--version", "3"])
    assert again.exit_code == 0 and "was imported already" in again.output and "nothing new" in again.output


def test_cli_refusal_exits_1_with_the_message_and_stores_nothing(runner, make_unit, tmp_path):
    make_unit("U1")
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf_bytes())
    result = runner.invoke(args=["sops", "import", "U1", str(path), "--code", "SOP-01"])
    assert result.exit_code == 1
    assert "scan.pdf was not imported: This PDF has no text layer (it looks scanned)" in result.output
    assert db.session.scalar(select(func.count(Sop.id))) == 0


def test_cli_refuses_an_unknown_unit_and_a_bad_date(runner, make_unit, tmp_path):
    make_unit("U1")
    path = tmp_path / "scene.txt"
    path.write_bytes(text_bytes())
    unknown = runner.invoke(args=["sops", "import", "NOPE", str(path), "--code", "SOP-01"])
    assert unknown.exit_code == 1 and "no unit with code NOPE" in unknown.output
    bad_date = runner.invoke(args=["sops", "import", "U1", str(path), "--code", "SOP-01", "--date", "5 March"])
    assert bad_date.exit_code == 2
    missing = runner.invoke(args=["sops", "sections", "U1", "SOP-09"])
    assert missing.exit_code == 1 and "U1 has no SOP with code SOP-09" in missing.output


def test_an_import_that_loses_a_race_for_the_same_version_is_refused_and_files_nothing(app, make_unit, monkeypatch):
    unit = make_unit()
    import_sop_document(unit, text_bytes(), "scene.txt", code="SOP-01", version="1")
    sop = _stored()
    # Someone else's import of version 2 landed after this one checked the versions.
    monkeypatch.setattr("app.services.content.sop_documents.documents_of", lambda s: [])
    db.session.add(
        SopDocument(
            sop_id=sop.id,
            version="2",
            original_filename="x.txt",
            media_type="text/plain",
            size=1,
            sha256="0" * 64,
            stored_filename="other.txt",
        )
    )
    db.session.commit()
    with pytest.raises(SopError, match="SOP-01 version 2 was imported by someone else a moment ago"):
        import_sop_document(unit, markdown_bytes(SCENE_SOP_V2), "v2.md", code="SOP-01", version="2")
    assert [p.name for p in sops_dir().iterdir()] == [_first_stored()]


def _first_stored():
    return db.session.scalar(select(SopDocument.stored_filename).where(SopDocument.version == "1"))


@pytest.mark.parametrize(
    ("build", "filename", "bounds", "reason"),
    [
        (pdf_bytes, "scene.pdf", {"pages": 0}, "too_many_pages"),
        (text_bytes, "scene.txt", {"characters": 100}, "too_much_text"),
        (docx_bytes, "scene.docx", {"unpacked": 1000}, "unpacks_too_large"),
        (odt_bytes, "scene.odt", {"unpacked": 1000}, "unpacks_too_large"),
    ],
)
def test_page_text_and_unpacked_limits_stop_the_reading(build, filename, bounds, reason):
    from app.services.content.sop_extraction import Bounds, ExtractionRefused, extract

    with pytest.raises(ExtractionRefused) as refused:
        extract(build(), filename, Bounds(**bounds))
    assert refused.value.reason == reason


def test_reading_from_a_threaded_server_starts_a_fresh_interpreter_and_still_works(monkeypatch):
    from app.services.content import sop_extraction

    monkeypatch.setattr(sop_extraction.threading, "active_count", lambda: 4)
    assert sop_extraction._start_method() == "spawn"
    extracted = sop_extraction.extract(docx_bytes(), "scene.docx")
    assert [p.text for p in extracted.paragraphs][:2] == ["Issued by the head of the unit.", "1 Purpose"]
