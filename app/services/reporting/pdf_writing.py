"""Writing report PDFs without repeated work: two small shims over pydyf until upstream has them.

pydyf is the PDF writer under WeasyPrint. Two of its habits cost reports time for nothing:

- **Streams compressed twice.** A stream is serialised, and compressed with zlib at level 9,
  every time its ``data`` is read. Writing a PDF with a file identifier (every PDF/A
  variant, so every report here) reads every object twice: once to write it, once more to
  hash the file for the identifier. While a PDF is written, the shim keeps each stream's
  bytes for the rest of that write, and compresses at level 6 (zlib's default): a few per
  cent larger, several times faster.
- **Page references rebuilt on every use.** ``PDF.page_references`` builds the tuple of all
  pages' references each time it is read, and WeasyPrint reads it for every tagged element
  and link: pages times elements. The shim keeps the tuple until a page is added.

What the PDF says (pages, text, tags, attachments, identifier over the written bytes) is
unchanged; at level 9 the file is byte for byte pydyf's own (tests/test_pdf_writing.py).
Written for the pinned versions below, the shims refuse, logging why, to install over any
other: a newer pydyf may serialise differently or do this itself.

Upstream: to be filed with pydyf (CourtBouillon/pydyf) as "PDF.write compresses every stream
twice when an identifier is asked for" and "PDF.page_references is rebuilt on every access";
drop this module once a pinned pydyf does both.
"""

from __future__ import annotations

import logging
import threading
import zlib
from functools import wraps

log = logging.getLogger(__name__)

#: The versions this shim was written against (requirements.txt pins them).
WRITTEN_FOR = {"pydyf": "0.13.0", "weasyprint": "70.0"}
#: zlib's own default: close to level 9's size on page content, a fraction of its time.
COMPRESSION_LEVEL = 6

_write_cache = threading.local()
#: pydyf's own members while the shims stand in for them.
_originals: dict[str, object] = {}
#: The versions found when the shim last refused to install (so it says so once).
_refused: dict[str, dict] = {}


def installed() -> bool:
    """True while the shims are in place in this process."""
    return bool(_originals)


def _versions() -> dict[str, str]:
    import pydyf
    import weasyprint

    return {"pydyf": pydyf.__version__, "weasyprint": weasyprint.__version__}


def install() -> bool:
    """Put the shims in place (once per process); False, logged, on versions they were not written for."""
    if _originals:
        return True
    found = _versions()
    if found != WRITTEN_FOR:
        if found != _refused.get("found"):  # said once per process, not on every report
            _refused["found"] = found
            log.warning(
                "PDF writing shims not installed: written for %s, found %s; PDFs are written as the library does",
                WRITTEN_FOR,
                found,
            )
        return False
    import pydyf

    _originals.update(data=pydyf.Stream.data, write=pydyf.PDF.write, pages=pydyf.PDF.page_references)
    pydyf.Stream.data = property(_stream_data)
    pydyf.PDF.write = _caching_write(pydyf.PDF.write)
    pydyf.PDF.page_references = property(_page_references)
    return True


def uninstall() -> None:
    """pydyf as it ships again (for comparing the two in tests)."""
    import pydyf

    if _originals:
        pydyf.Stream.data = _originals.pop("data")
        pydyf.PDF.write = _originals.pop("write")
        pydyf.PDF.page_references = _originals.pop("pages")


def _serialise(stream) -> bytes:
    """pydyf 0.13's ``Stream.data``, at :data:`COMPRESSION_LEVEL`."""
    from pydyf import Dictionary, _to_bytes

    content = b"\n".join(_to_bytes(item) for item in stream.stream)
    extra = Dictionary(stream.extra.copy())
    if stream.compress:
        extra["Filter"] = "/FlateDecode"
        content = zlib.compress(content, COMPRESSION_LEVEL)
    extra["Length"] = len(content)
    return b"\n".join((extra.data, b"stream", content, b"endstream"))


def _stream_data(stream) -> bytes:
    """The stream's bytes: serialised once per write, kept until the write ends."""
    cache = getattr(_write_cache, "streams", None)
    if cache is None:  # outside a write: nothing to reuse
        return _serialise(stream)
    kept = cache.get(id(stream))
    if kept is None or kept[0] is not stream:
        kept = cache[id(stream)] = (stream, _serialise(stream))
    return kept[1]


def _caching_write(write):
    @wraps(write)
    def caching_write(pdf, *args, **kwargs):
        outer = getattr(_write_cache, "streams", None)
        _write_cache.streams = {} if outer is None else outer
        try:
            return write(pdf, *args, **kwargs)
        finally:
            _write_cache.streams = outer

    return caching_write


def _page_references(pdf) -> tuple[bytes, ...]:
    """pydyf 0.13's ``PDF.page_references``, built again only when the page list has changed."""
    kids = pdf.pages["Kids"]  # [number, 0, 'R'] per page, extended by PDF.add_page
    kept = pdf.__dict__.get("_page_references")
    if kept is None or kept[0] is not kids or kept[1] != len(kids):
        references = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        kept = pdf.__dict__["_page_references"] = (kids, len(kids), references)
    return kept[2]
