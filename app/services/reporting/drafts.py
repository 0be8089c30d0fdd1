"""Draft report PDFs: rendered once per state of an assessment, outside the requests that serve pages.

A draft costs seconds of CPU. It is kept in ``instance/drafts/`` under the hash of the
assessment record it was built from, so it is rendered again only when the assessment
changes, and every worker process shares it. When no current draft is there, the render
runs in a separate process (one at a time, across the installation's workers), so that
people opening the preview do not slow everyone's autosave; the page that asked for it
waits politely and comes back.

With an in-memory database (tests) no other process can see the data: drafts render inline.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from app.models import Assessment
from app.services.assessment.assessments import score_sheet
from app.services.exchange.packages import build_package, record_hash

#: How much lower than the server's the render process's CPU priority is.
RENDER_NICENESS = 10
#: A render taking longer than this is taken to have died; its claim is ignored.
STALE_CLAIM_SECONDS = 120

_executor: ProcessPoolExecutor | None = None
_pending: dict[str, Future] = {}


@dataclass(frozen=True)
class Draft:
    """A draft PDF that is ready (``pdf``) or being rendered (``pdf`` is None)."""

    key: str
    pdf: bytes | None


def drafts_dir() -> Path:
    """Where draft PDFs are kept: the instance folder, shared by the installation's workers."""
    path = Path(current_app.instance_path) / "drafts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def draft_key(assessment: Assessment) -> str:
    """Assessment, revision and the hash of everything the report shows: a new key on every change."""
    digest = record_hash(build_package(assessment, score_sheet(assessment)))
    return f"{assessment.id}-r{assessment.revision}-{digest[:24]}"


def _in_process(app: Flask) -> bool:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    return not app.config.get("DRAFTS_IN_BACKGROUND", True) or uri in ("sqlite://", "sqlite:///:memory:")


def _store(folder: Path, key: str, pdf: bytes) -> None:
    """Write the draft atomically, and drop the assessment's older drafts."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".draft-", suffix=".pdf")
    with os.fdopen(fd, "wb") as handle:
        handle.write(pdf)
    os.replace(tmp, folder / f"{key}.pdf")
    assessment_id = key.split("-", 1)[0]
    for old in folder.glob(f"{assessment_id}-r*.pdf"):
        if old.stem != key:
            old.unlink(missing_ok=True)


def _render(config: dict, instance_path: str, assessment_id: int, key: str) -> None:
    """In the render process: build the app, render the draft, store it."""
    from app import create_app
    from app.extensions import db
    from app.services.reporting.reports import render_report

    app = create_app({**config, "DRAFTS_IN_BACKGROUND": False})
    folder = Path(instance_path) / "drafts"
    claim = folder / f"{key}.rendering"
    try:
        with app.app_context():
            assessment = db.session.get(Assessment, assessment_id)
            if assessment is not None:
                _store(folder, key, render_report(assessment).pdf)
            db.session.remove()
    finally:
        claim.unlink(missing_ok=True)


def _claim(folder: Path, key: str) -> bool:
    """True if this worker may start the render: nobody else claims it, or their claim went stale."""
    claim = folder / f"{key}.rendering"
    try:
        fd = os.open(claim, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if time.time() - claim.stat().st_mtime < STALE_CLAIM_SECONDS:
            return False
        claim.unlink(missing_ok=True)
        return _claim(folder, key)
    os.close(fd)
    return True


def draft_pdf(assessment: Assessment) -> Draft:
    """The assessment's current draft PDF, or a render started for it."""
    folder = drafts_dir()
    key = draft_key(assessment)
    path = folder / f"{key}.pdf"
    if path.is_file():
        return Draft(key, path.read_bytes())
    app = current_app._get_current_object()
    if _in_process(app):
        from app.services.reporting.reports import render_report

        pdf = render_report(assessment).pdf
        _store(folder, key, pdf)
        return Draft(key, pdf)
    future = _pending.get(key)
    if (future is None or future.done()) and _claim(folder, key):
        _pending[key] = _pool().submit(_render, _child_config(app), app.instance_path, assessment.id, key)
    return Draft(key, None)


def _child_config(app: Flask) -> dict:
    keys = ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "REPORTS_DIR", "CHECKLISTS_DIR", "INSTALLATION_NAME", "TESTING")
    return {k: app.config[k] for k in keys if k in app.config}


def _pool() -> ProcessPoolExecutor:
    global _executor
    if _executor is None:
        # Spawned, not forked: a fresh interpreter shares no connection or lock with the server.
        # Niced: the renders take what CPU the pages and autosaves leave over.
        _executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=os.nice,
            initargs=(RENDER_NICENESS,),
        )
    return _executor
