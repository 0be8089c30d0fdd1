"""The translation overlays of stored checklist versions: found beside the shipped checklists, merged once.

Overlays live in ``CHECKLISTS_DIR/translations`` (see checklists/translations/README.md). A
checklist version is merged with its overlays once per process and again only when one of
its overlay files changes (by name, size and modification time), so an edited overlay shows
without a restart and a page pays one directory listing for it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.domain.checklist import Checklist
from app.domain.loader import MAX_CHECKLIST_BYTES, ChecklistInvalid
from app.domain.overlays import (
    OVERLAY_LANGUAGES,
    Coverage,
    Overlay,
    coverage,
    load_overlay_file,
    overlay_files,
    parse_overlay,
)
from app.domain.translated_checklist import with_overlays
from app.extensions import db
from app.models import TranslationReview

log = logging.getLogger(__name__)

_merged: dict[str, tuple[tuple, Checklist]] = {}
_lock = threading.Lock()


def translations_folder() -> Path | None:
    """Where overlay files are: ``translations`` beside the shipped checklists (None outside an app)."""
    if not has_app_context():
        return None
    return Path(current_app.config["CHECKLISTS_DIR"]) / "translations"


def translated(checklist: Checklist) -> Checklist:
    """``checklist`` with its overlays merged into its texts; the content and its hash unchanged.

    A malformed overlay is left out (and logged; ``flask checklists validate`` names the
    problem): the page shows that language in English rather than fail.
    """
    folder = translations_folder()
    paths = overlay_files(folder, checklist.id, checklist.version) if folder else []
    if not paths:
        return checklist
    signature = tuple((str(p), stat.st_size, stat.st_mtime_ns) for p, stat in ((p, p.stat()) for p in paths))
    cached = _merged.get(checklist.content_hash)
    if cached is not None and cached[0] == signature:
        return cached[1]
    overlays = []
    for path in paths:
        try:
            overlays.append(_parsed(path))
        except ChecklistInvalid as exc:
            log.warning("translation overlay left out: %s", exc.problems[0])
    merged = with_overlays(checklist, overlays)
    with _lock:
        _merged[checklist.content_hash] = (signature, merged)
    return merged


#: Bumped when :class:`Overlay` changes shape, so a cache written by an older release is not read.
_CACHE_FORMAT = 1


def _parsed(path: Path) -> Overlay:
    """The overlay in ``path``, parsed and checked once per content of the file, across processes.

    Parsing and checking a full overlay against its schema takes about a second; every worker,
    render process and command would pay it for each language. The parsed overlay is kept in
    ``instance/cache/overlays`` under the SHA-256 of the file's bytes (any change is a new
    entry), written atomically; a cache file that cannot be read is parsed again and replaced.
    """
    if path.stat().st_size > MAX_CHECKLIST_BYTES:
        return load_overlay_file(path)  # refuses it, naming the limit
    raw = path.read_bytes()
    folder = Path(current_app.instance_path) / "cache" / "overlays"
    cached = folder / f"{hashlib.sha256(raw).hexdigest()}-{_CACHE_FORMAT}.pickle"
    try:
        with cached.open("rb") as handle:
            found = pickle.load(handle)  # written by this application, into its own instance folder
        if isinstance(found, Overlay) and found.file == str(path):
            return found
    except FileNotFoundError:
        pass
    except Exception:  # a truncated or foreign cache file: parse again and replace it
        log.warning("overlay cache %s unreadable; parsing %s again", cached.name, path.name)
    overlay = parse_overlay(raw, str(path))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".overlay-", suffix=".pickle")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(overlay, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cached)
    except OSError as exc:  # a read-only instance folder: parse each time
        log.warning("overlay cache not written: %s", exc)
    return overlay


@dataclass(frozen=True)
class LanguageStatus:
    """How far one language's overlay of a checklist version is, and what its review status is."""

    language: str
    file: str | None
    coverage: Coverage | None
    #: The status the file states (machine-draft, reviewed), or a reason it cannot be used.
    status: str
    #: The newest review an administrator recorded for this overlay, if any.
    review: TranslationReview | None


def translation_status(checklist: Checklist, folder: Path) -> list[LanguageStatus]:
    """One row per overlay language: coverage and status of the checklist version's overlay in it."""
    found: dict[str, Overlay | str] = {}
    for path in overlay_files(folder, checklist.id, checklist.version):
        try:
            overlay = load_overlay_file(path)
        except ChecklistInvalid as exc:
            found[path.name.split(".")[-2]] = f"malformed: {exc.problems[0]}"
        else:
            found[overlay.language] = overlay
    rows = []
    for language in OVERLAY_LANGUAGES:
        overlay = found.get(language)
        review = _newest_review(checklist.ref, language)
        if isinstance(overlay, Overlay):
            rows.append(LanguageStatus(language, overlay.file, coverage(overlay, checklist), overlay.status, review))
        else:
            rows.append(LanguageStatus(language, None, None, overlay or "no overlay", review))
    return rows


def _newest_review(catalogue: str, language: str) -> TranslationReview | None:
    try:
        return db.session.scalar(
            select(TranslationReview)
            .where(TranslationReview.catalogue == catalogue, TranslationReview.language == language)
            .order_by(TranslationReview.reviewed_on.desc(), TranslationReview.id.desc())
            .limit(1)
        )
    except SQLAlchemyError:  # no database yet: the files still say how far each language is
        db.session.rollback()
        return None
