"""The PDF writing shims: each stream compressed once per write, page references kept, the PDF saying the same."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zlib

import pytest
from pypdf import PdfReader
from weasyprint import HTML, Attachment

from app.services.reporting import pdf_writing
from app.services.reporting.reports import FONTS_DIR, PDF_VARIANT

WHEN = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)
RECORD = '{"assessment": "record", "scores": [1, 2, 3]}'

#: A few pages with what a report has: headings (bookmarks, tags), a table, text in two scripts.
SOURCE = (
    '<style>@font-face { font-family: N; src: url("NotoSans-Regular.ttf") } body { font-family: N }'
    " @page { @bottom-left { content: counter(page) } }</style>"
    "<h1>Gap report</h1>"
    + "".join(
        f"<h2>Section {n}</h2><p>Requirement {n}: custody seal label photograph — Ланац надзора {n}.</p>"
        f"<table><tr><td>{n}</td><td>{'record ' * 30}</td></tr></table>"
        for n in range(60)
    )
)


@pytest.fixture
def shim():
    """The shim installed for the test, and pydyf as it ships again afterwards (as it was before)."""
    was = pdf_writing.installed()
    assert pdf_writing.install()
    yield pdf_writing
    if not was:
        pdf_writing.uninstall()


def _write(document) -> bytes:
    attachment = Attachment(string=RECORD, name="record.json", relationship="Data", created=WHEN, modified=WHEN)
    return document.write_pdf(pdf_variant=PDF_VARIANT, attachments=[attachment])


def _without_shim(document) -> bytes:
    was = pdf_writing.installed()
    pdf_writing.uninstall()
    try:
        return _write(document)
    finally:
        if was:
            pdf_writing.install()


def _said(pdf: bytes) -> dict:
    """What a reader sees in a PDF: pages' text, attachments, outline, structure, identifier."""
    reader = PdfReader(io.BytesIO(pdf))
    identifier = reader.trailer["/ID"]
    return {
        "text": [page.extract_text() for page in reader.pages],
        "attachments": {name: [bytes(b) for b in data] for name, data in reader.attachments.items()},
        "outline": [item.title for item in reader.outline if not isinstance(item, list)],
        "tagged": "/StructTreeRoot" in reader.trailer["/Root"],
        "identifier": [bytes(str(part), "latin-1") for part in identifier],
    }


def _document():
    return HTML(string=SOURCE, base_url=str(FONTS_DIR)).render()


def test_the_pdf_says_the_same_with_the_shim(shim):
    document = _document()
    shimmed, shipped = _write(document), _without_shim(document)
    with_shim, without = _said(shimmed), _said(shipped)
    assert len(with_shim["text"]) >= 3
    assert "Ланац надзора 59" in "".join(with_shim["text"])
    assert with_shim["attachments"] == {"record.json": [RECORD.encode()]}
    identifier = with_shim.pop("identifier")
    assert len(identifier) == 2 and all(re.fullmatch(rb"[0-9a-f]{32}", part) for part in identifier)
    without.pop("identifier")  # the compressed bytes differ, so does their hash
    assert with_shim == without


def test_at_pydyfs_level_the_bytes_are_pydyfs_own(shim, monkeypatch):
    """Keeping each stream's bytes for the write changes nothing: at level 9 the file is byte for byte pydyf's."""
    monkeypatch.setattr(pdf_writing, "COMPRESSION_LEVEL", 9)
    document = _document()
    assert _write(document) == _without_shim(document)


def test_each_stream_is_compressed_once_per_write(shim, monkeypatch):
    """pydyf compresses each stream again to hash the file for its identifier; with the shim, once."""
    document = _document()
    compressions = []
    real = zlib.compress

    def counting(data, *args, **kwargs):
        compressions.append(data)
        return real(data, *args, **kwargs)

    monkeypatch.setattr(zlib, "compress", counting)
    pdf = _write(document)
    # Streams are never packed into object streams, so each one's dictionary shows in the file.
    assert len(compressions) == len(re.findall(rb"/Filter /FlateDecode", pdf)) > 10


def test_page_references_follow_the_pages_added(shim):
    import pydyf

    pdf = pydyf.PDF()
    assert pdf.page_references == ()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = pdf.page_references
    assert first == tuple(f"{n} 0 R".encode() for n in pdf.pages["Kids"][::3]) and len(first) == 3
    assert pdf.page_references is first  # kept, not built again
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert len(pdf.page_references) == 4 and pdf.page_references[:3] == first


def test_the_shim_refuses_versions_it_was_not_written_for(monkeypatch, caplog):
    import pydyf

    was = pdf_writing.installed()
    pdf_writing.uninstall()
    shipped = pydyf.Stream.data
    monkeypatch.setattr(pdf_writing, "_versions", lambda: {"pydyf": "0.14.0", "weasyprint": "70.0"})
    monkeypatch.setattr(pdf_writing, "_refused", {})
    caplog.set_level(logging.WARNING, logger=pdf_writing.__name__)
    try:
        assert not pdf_writing.install()
        assert not pdf_writing.install()
        assert pydyf.Stream.data is shipped and not pdf_writing.installed()
        warnings = [r.getMessage() for r in caplog.records if r.name == pdf_writing.__name__]
        assert len(warnings) == 1 and "0.14.0" in warnings[0]
        assert PdfReader(io.BytesIO(_write(_document()))).pages  # reports still render, as pydyf writes them
    finally:
        monkeypatch.undo()
        if was:
            pdf_writing.install()


def test_a_report_render_installs_the_shim(app, make_unit, make_assessment):
    from app.services.reporting.reports import render_report_pdf

    pdf = render_report_pdf(make_assessment(make_unit()))
    assert pdf_writing.installed()
    assert PdfReader(io.BytesIO(pdf)).attachments
