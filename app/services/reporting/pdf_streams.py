"""Each PDF stream compressed once per write, not twice: a shim over pydyf until upstream does it.

pydyf (the PDF writer under WeasyPrint) serialises a stream, compressing it with zlib at
level 9, every time its ``data`` is read. Writing a PDF with a file identifier (every PDF/A
variant, so every report here) reads every object twice: once to write it, once more to
hash the whole file for the identifier. Each page's content stream, each embedded font and
the attached record are compressed twice, the second time to the same bytes.

While a PDF is written this shim keeps each stream's serialised bytes for the rest of that
write, and compresses at level 6 (zlib's default): a few per cent larger, several times
faster. What the PDF says (pages, text, tags, attachments, identifier over the written
bytes) is unchanged. It is written for the pinned versions below and refuses, logging why,
to install over any other: a newer pydyf may serialise differently or fix this itself.

Upstream: to be filed with pydyf (CourtBouillon/pydyf) as "PDF.write compresses every stream
twice when an identifier is asked for"; drop this module once a pinned pydyf serialises each
stream once per write.
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
#: pydyf's own ``Stream.data`` and ``PDF.write`` while the shim stands in for them.
_originals: dict[str, object] = {}
#: The versions found when the shim last refused to install (so it says so once).
_refused: dict[str, dict] = {}


def installed() -> bool:
    """True while the shim is in place in this process."""
    return bool(_originals)


def _versions() -> dict[str, str]:
    import pydyf
    import weasyprint

    return {"pydyf": pydyf.__version__, "weasyprint": weasyprint.__version__}


def install() -> bool:
    """Put the shim in place (once per process); False, logged, on versions it was not written for."""
    if _originals:
        return True
    found = _versions()
    if found != WRITTEN_FOR:
        if found != _refused.get("found"):  # said once per process, not on every report
            _refused["found"] = found
            log.warning(
                "PDF stream shim not installed: written for %s, found %s; PDFs are written as the library does",
                WRITTEN_FOR,
                found,
            )
        return False
    import pydyf

    _originals.update(data=pydyf.Stream.data, write=pydyf.PDF.write)
    pydyf.Stream.data = property(_stream_data)
    pydyf.PDF.write = _caching_write(pydyf.PDF.write)
    return True


def uninstall() -> None:
    """pydyf as it ships again (for comparing the two in tests)."""
    import pydyf

    if _originals:
        pydyf.Stream.data = _originals.pop("data")
        pydyf.PDF.write = _originals.pop("write")


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
