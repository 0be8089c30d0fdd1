"""Text out of an SOP file: PDF (pypdf), DOCX (python-docx), ODT (odfpy), plain text and Markdown.

The type is read from the file's first bytes, not its name. Every limit is checked while
reading (app.domain.limits), and the reading runs in a child process that is stopped when
the time is up: a crafted or broken file can hang a parser on one page, which no check
between pages would catch. Refusals carry a reason code; :mod:`sop_documents` words them.
"""

from __future__ import annotations

import io
import multiprocessing
import re
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from app.domain import limits
from app.domain.sop_sections import Paragraph, reads_as_heading

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = "text/plain"
MARKDOWN = "text/markdown"
#: Extensions that may hold plain text; anything else that is not PDF, DOCX or ODT is refused.
TEXT_SUFFIXES = {".txt": TEXT, ".text": TEXT, ".md": MARKDOWN, ".markdown": MARKDOWN}
SUFFIX_OF = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt", TEXT: ".txt", MARKDOWN: ".md"}
#: Below this many characters per page on average, a PDF is a scan without a text layer.
SCANNED_BELOW = 20


class ExtractionRefused(Exception):
    """The file cannot be taken; ``reason`` is a code, ``detail`` the numbers for its message."""

    def __init__(self, reason: str, **detail) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass
class Extracted:
    """What a file held: its type, its pages (PDF only) and its paragraphs in reading order."""

    media_type: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    pages: int | None = None


@dataclass(frozen=True)
class Bounds:
    """The limits one extraction runs under (tests make them small)."""

    pages: int = limits.SOP_MAX_PAGES
    characters: int = limits.SOP_MAX_CHARACTERS
    unpacked: int = limits.SOP_MAX_UNPACKED
    seconds: float = limits.SOP_SECONDS


def media_type_of(data: bytes, filename: str) -> str:
    """The document type from the file's magic bytes (the name decides only between text and Markdown)."""
    if not data:
        raise ExtractionRefused("empty")
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExtractionRefused("legacy_office")
    suffix = PurePath(filename).suffix.lower()
    if suffix in TEXT_SUFFIXES and b"\x00" not in data[:65536]:
        return TEXT_SUFFIXES[suffix]
    raise ExtractionRefused("unsupported")


def _zip_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                return ODT
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ExtractionRefused("malformed", why="damaged zip archive") from None
    if "word/document.xml" in names:
        return DOCX
    raise ExtractionRefused("unsupported")


class _Clock:
    def __init__(self, deadline: float, seconds: float) -> None:
        self.deadline, self.seconds = deadline, seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise ExtractionRefused("too_slow", seconds=self.seconds)


class _Text:
    """Paragraphs collected under the character limit."""

    def __init__(self, bounds: Bounds, clock: _Clock) -> None:
        self.bounds, self.clock = bounds, clock
        self.paragraphs: list[Paragraph] = []
        self.characters = 0

    def add(self, text: str, level: int | None = None) -> None:
        text = limits.CONTROL.sub(" ", text).strip()
        if not text:
            return
        self.characters += len(text)
        if self.characters > self.bounds.characters:
            raise ExtractionRefused("too_much_text", limit=self.bounds.characters)
        self.paragraphs.append(Paragraph(text, level))
        if len(self.paragraphs) % 200 == 0:
            self.clock.check()


def extract_here(data: bytes, filename: str, bounds: Bounds, deadline: float) -> Extracted:
    """Read the file in this process (the child's work; tests of the formats may call it too)."""
    media_type = media_type_of(data, filename)
    clock = _Clock(deadline, bounds.seconds)
    text = _Text(bounds, clock)
    pages = None
    if media_type == PDF:
        pages = _pdf(data, text, bounds, clock)
    elif media_type in (DOCX, ODT):
        _check_unpacked(data, bounds)
        (_docx if media_type == DOCX else _odt)(data, text)
    else:
        _plain(data, text, markdown=media_type == MARKDOWN)
    clock.check()
    if not text.paragraphs:
        raise ExtractionRefused("no_text")
    return Extracted(media_type, text.paragraphs, pages)


def _check_unpacked(data: bytes, bounds: Bounds) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > bounds.unpacked:
            raise ExtractionRefused("unpacks_too_large", limit=bounds.unpacked)
        damaged = archive.testzip()
    if damaged is not None:
        raise ExtractionRefused("malformed", why=f"damaged entry {damaged}")


def _pdf(data: bytes, text: _Text, bounds: Bounds, clock: _Clock) -> int:
    from pypdf import PdfReader

    if b"%%EOF" not in data[-2048:]:
        raise ExtractionRefused("truncated_pdf")
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ExtractionRefused("encrypted")
    count = len(reader.pages)
    if count > bounds.pages:
        raise ExtractionRefused("too_many_pages", pages=count, limit=bounds.pages)
    for page in reader.pages:
        for line in (page.extract_text() or "").splitlines():
            text.add(line)
        clock.check()
    if count and text.characters / count < SCANNED_BELOW:
        raise ExtractionRefused("scanned")
    return count


_HEADING_STYLE = re.compile(r"^(?:heading|title)\s*(\d?)$", re.IGNORECASE)


def _docx_level(paragraph) -> int | None:
    """The outline level of a DOCX paragraph: a "Heading N" style, or an outline level set on it or its style."""
    style = paragraph.style
    found = _HEADING_STYLE.match(style.name or "") if style is not None else None
    if found:
        return int(found.group(1) or 1)
    holders = [paragraph._p]
    while style is not None:
        holders.append(style.element)
        style = style.base_style
    for element in holders:
        levels = element.xpath("./w:pPr/w:outlineLvl/@w:val")
        if levels and levels[0].isdigit() and int(levels[0]) < 9:
            return int(levels[0]) + 1
    return None


def _docx(data: bytes, text: _Text) -> None:
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                text.add(" | ".join(cell.text.strip() for cell in row.cells))
        else:
            text.add(block.text, _docx_level(block))


def _odt(data: bytes, text: _Text) -> None:
    from odf import opendocument, teletype
    from odf.namespaces import TEXTNS

    document = opendocument.load(io.BytesIO(data))
    stack = list(reversed(document.text.childNodes))
    while stack:
        node = stack.pop()
        if node.qname == (TEXTNS, "h"):
            raw = node.getAttrNS(TEXTNS, "outline-level")
            text.add(teletype.extractText(node), int(raw) if raw and raw.isdigit() else 1)
        elif node.qname == (TEXTNS, "p"):
            text.add(teletype.extractText(node))
        else:
            stack.extend(reversed(getattr(node, "childNodes", [])))


_ATX = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


#: Inline Markdown: emphasis marks, code ticks, and a link's address (its text is kept).
_EMPHASIS = re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|`)")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
#: A line that starts an item of a list: it starts a paragraph of its own.
_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)]|[a-z][.)])\s+")


def _inline(line: str) -> str:
    return _EMPHASIS.sub("", _LINK.sub(r"\1", line))


def _plain(data: bytes, text: _Text, *, markdown: bool) -> None:
    """Text and Markdown: lines wrapped inside a paragraph join into one (a sentence is never cut
    at a line end); a blank line, a heading, a numbered heading line or a list item starts anew."""
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractionRefused("not_utf8", position=exc.start) from None
    lines = decoded.splitlines()
    held: list[str] = []

    def flush() -> None:
        if held:
            text.add(" ".join(held))
            held.clear()

    for i, line in enumerate(lines):
        if markdown:
            following = lines[i + 1].strip() if i + 1 < len(lines) else ""
            atx = _ATX.match(line)
            setext = (
                1
                if following and set(following) <= {"="}
                else 2
                if len(following) >= 3 and set(following) <= {"-"}
                else 0
            )
            if atx or (line.strip() and setext):
                flush()
                text.add(_inline(atx.group(2)) if atx else _inline(line), len(atx.group(1)) if atx else setext)
                continue
            if line.strip() and set(line.strip()) <= {"=", "-"} and len(line.strip()) >= 3:
                continue  # a setext underline, taken with its heading
            line = _inline(line)
        if not line.strip():
            flush()
        elif reads_as_heading(line):
            flush()
            text.add(line)
        else:
            if _ITEM.match(line) or (held and reads_as_heading(held[-1])):
                flush()
            held.append(line.strip())
    flush()


def _child(sender, data: bytes, filename: str, bounds: Bounds, deadline: float) -> None:
    try:
        outcome = ("ok", extract_here(data, filename, bounds, deadline))
    except ExtractionRefused as exc:
        outcome = ("refused", exc.reason, exc.detail)
    except Exception as exc:  # a parser's own error on a damaged file: the file is malformed
        outcome = ("refused", "malformed", {"why": f"{type(exc).__name__}: {exc}"[:200]})
    sender.send(outcome)
    sender.close()


def _start_method() -> str:
    """Fork (fast: the parser modules are loaded already) unless other threads run: a forked copy
    of a threaded process may hang on a lock another thread held, so then a fresh interpreter."""
    return "fork" if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods() else "spawn"


def extract(data: bytes, filename: str, bounds: Bounds | None = None) -> Extracted:
    """Read the file in a child process, stopped when ``bounds.seconds`` are up; ExtractionRefused on failure."""
    bounds = bounds or Bounds()
    media_type_of(data, filename)  # an unknown type is refused before a process is started
    context = multiprocessing.get_context(_start_method())
    receiver, sender = context.Pipe(duplex=False)
    deadline = time.monotonic() + bounds.seconds
    child = context.Process(target=_child, args=(sender, data, filename, bounds, deadline), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(max(0.0, deadline - time.monotonic())):
            raise ExtractionRefused("too_slow", seconds=bounds.seconds)
        try:
            outcome = receiver.recv()
        except EOFError:  # the child died (out of memory, a crash in a parser's C code)
            raise ExtractionRefused("malformed", why="the reader stopped on it") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if outcome[0] == "refused":
        raise ExtractionRefused(outcome[1], **outcome[2])
    return outcome[1]
