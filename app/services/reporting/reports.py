"""The gap report: how it is drawn (HTML preview or PDF). What it says is built in :mod:`report_data`."""

from __future__ import annotations

import atexit
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import render_template
from flask_babel import gettext as _

from app.domain.jurisdictions import in_jurisdiction
from app.models import Assessment
from app.services.assessment.assessments import ScoreSheet, score_sheet
from app.services.content.jurisdictions import profile_of
from app.services.exchange.packages import build_package, package_bytes, record_hash
from app.services.formatting import in_report_language
from app.services.reporting import pdf_writing
from app.services.reporting.printed_record import FULL_NAME, PRINTED_NAME, printed_record
from app.services.reporting.report_data import ReportData, build_report

__all__ = ["ReportData", "build_report", "render_report", "render_report_html", "render_report_pdf"]

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
FONTS_DIR = STATIC_DIR / "fonts"
PDF_VARIANT = "pdf/a-3a"


def css_counter_text(template: str) -> str:
    """Turn 'Page {page} of {pages}' into CSS content with page counters."""
    parts = re.split(r"\{(page|pages)\}", template)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"counter({part})")
        elif part:
            out.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(out)


def report_stylesheet(fonts_url: str) -> str:
    """The report's print CSS, with fonts from ``fonts_url`` and translated page numbers."""
    return render_template(
        "reports/report.css",
        fonts_url=fonts_url,
        page_counter=css_counter_text(_("Page {page} of {pages}")),
    )


def render_report_html(data: ReportData, *, stylesheet_url: str | None = None) -> str:
    """The report as HTML: for the browser preview (with a stylesheet link) or for WeasyPrint."""
    return render_template("reports/gap_report.html", r=data, stylesheet_url=stylesheet_url)


@dataclass(frozen=True)
class RenderedReport:
    """A rendered PDF carrying the whole record, its hash, and (when asked) the reader's copy.

    The reader's copy is the same document with only what the report prints attached
    (:mod:`app.services.reporting.printed_record`), for people who may not export the assessment.
    """

    pdf: bytes
    record_hash: str
    reader_pdf: bytes | None = None


#: Whitespace after a block's end tag or a container's start tag, before the next tag: CSS
#: ignores it, but WeasyPrint builds a box for each such text node before dropping it.
_BLOCK_GAP = re.compile(
    r"(</(?:p|h1|h2|h3|tr|td|th|section|table|thead|tbody|tfoot|colgroup|col|li|ul|div|header|main)>"
    r"|<(?:tr|tbody|thead|tfoot|table|section|ul|colgroup|main|header|body)(?:\s[^>]*)?>)\s+(?=<)"
)


def compact_blocks(html: str) -> str:
    """The HTML without the whitespace between block-level tags (what layout ignores anyway)."""
    return _BLOCK_GAP.sub(r"\1", html)


def static_only_fetcher():
    """A WeasyPrint URL fetcher that serves the app's own static files and refuses everything else.

    Report HTML is made from templates that escape what users type, so it should hold no
    outside reference; if one ever got in, WeasyPrint would otherwise read ``file://`` paths
    and fetch outside URLs while rendering. This is the second line of defence.
    """
    import mimetypes
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" and not parts.netloc else None
            if path is None or not path.is_relative_to(STATIC_DIR) or not path.is_file():
                raise ValueError(f"refused: reports may use the app's static files only, not {url[:200]}")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind}, 200)

    return StaticOnly(allowed_protocols={"file"}, allow_redirects=False)


@lru_cache(maxsize=8)
def _parsed_stylesheet(css_text: str):
    """The font configuration and parsed print stylesheet, kept per process for each stylesheet text.

    Parsing the stylesheet and registering its fonts is the same work for every report in a
    language; a running server does it once.
    """
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return fonts, CSS(string=css_text, font_config=fonts, url_fetcher=static_only_fetcher())


# Let the cached fonts go while the interpreter can still run their clean-up.
atexit.register(_parsed_stylesheet.cache_clear)


def render_report_pdf(
    assessment: Assessment, *, locale: str = "en", reader: bool = False, bilingual: bool = False
) -> bytes:
    """The gap report of an assessment as PDF bytes (``reader``: the copy for those who may not export)."""
    rendered = render_report(assessment, locale=locale, reader_copy=reader, bilingual=bilingual)
    return rendered.reader_pdf if reader else rendered.pdf


def render_report(
    assessment: Assessment,
    *,
    locale: str = "en",
    chain_head: tuple[int, str] | None = None,
    reader_copy: bool = False,
    bilingual: bool = False,
    sheet: ScoreSheet | None = None,
) -> RenderedReport:
    """Render the gap report of an assessment to PDF, with its record embedded.

    The PDF is PDF/A-3a: archival (what ministries file), tagged (readable by assistive
    technology, with a logical structure) and able to carry the assessment record as an
    associated file, so an issued report holds the data its footer's record hash is of.
    ``chain_head`` (an issued report's): the audit trail's last place and hash, printed on the cover.
    ``reader_copy``: also write the same layout with only the printed record attached.
    ``bilingual``: the checklist's texts and the report's headings with their English beside them
    (for the regional expert reading a report in the unit's language); nothing changes in English.
    ``sheet``: the assessment's score sheet when the caller has loaded it already (built once per render).
    """
    from weasyprint import HTML, Attachment

    sheet = sheet or score_sheet(assessment)
    package = build_package(assessment, sheet)
    digest = record_hash(package)
    with in_report_language(locale, bilingual=bilingual), in_jurisdiction(profile_of(assessment.unit)):
        data = build_report(assessment, sheet, record_hash=digest)
        data.chain_head = chain_head
        html = render_report_html(data)
        css_text = report_stylesheet(FONTS_DIR.as_uri())
    pdf_writing.install()  # pydyf without its repeated work (see the module)
    fonts, stylesheet = _parsed_stylesheet(css_text)
    document = HTML(string=compact_blocks(html), base_url=str(FONTS_DIR), url_fetcher=static_only_fetcher()).render(
        stylesheets=[stylesheet], font_config=fonts
    )
    full = Attachment(
        string=package_bytes(package).decode("utf-8"),
        name=FULL_NAME,
        description="Assessment record (JSON) this report was built from",
        relationship="Data",
    )
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT, attachments=[full])
    reader_pdf = None
    if reader_copy:  # the same layout, written again: no second render
        printed = Attachment(
            string=package_bytes(printed_record(package, digest)).decode("utf-8"),
            name=PRINTED_NAME,
            description="What this report prints, as data; the full record (hash in the footer) stays with the unit",
            relationship="Data",
        )
        reader_pdf = document.write_pdf(pdf_variant=PDF_VARIANT, attachments=[printed])
    return RenderedReport(pdf, digest, reader_pdf)
