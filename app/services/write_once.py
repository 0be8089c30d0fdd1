"""Files written once: issued reports and imported SOP originals are never replaced."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_once(path: Path, data: bytes, *, prefix: str) -> None:
    """Write a new read-only file atomically; never replace an existing one.

    The data goes to a temporary file (named with ``prefix``, so a sweep can tell one left by a
    crash) in the same folder, is flushed to disk, made read-only and linked to ``path``:
    ``os.link`` fails when the name is taken, so a file once written is never overwritten.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o444)
        os.link(tmp, path)
    finally:
        os.unlink(tmp)
