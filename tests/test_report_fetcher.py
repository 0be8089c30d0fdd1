"""Defence in depth for reports: WeasyPrint reads the app's static files and nothing else."""

from __future__ import annotations

import io
import logging

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from app.services.reporting.reports import FONTS_DIR, STATIC_DIR, static_only_fetcher


def _render(html: str) -> bytes:
    return HTML(string=html, base_url=str(FONTS_DIR), url_fetcher=static_only_fetcher()).write_pdf()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///etc/hostname",
        f"file://{STATIC_DIR}/../../README.md",
        "http://127.0.0.1:9/secret",
        "https://example.org/tracker.png",
        "data:text/plain,hello",
        "ftp://example.org/x",
    ],
)
def test_a_reference_outside_the_static_files_is_refused(url):
    with pytest.raises(ValueError, match="refused"):
        static_only_fetcher().fetch(url)


def test_a_report_with_a_hostile_reference_renders_without_reading_it(caplog):
    caplog.set_level(logging.WARNING)
    pdf = _render(
        '<p>Text</p><img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
        '<link rel="stylesheet" href="file:///etc/hostname">'
    )
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Text" in text and "root:" not in text
    assert "refused" in caplog.text


def test_the_apps_own_fonts_are_served():
    response = static_only_fetcher().fetch((FONTS_DIR / "NotoSans-Regular.ttf").as_uri())
    assert response.status == 200
