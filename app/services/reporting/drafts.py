"""Draft report PDFs: rendered once per state of an assessment, outside the requests that serve pages.

A draft costs seconds of CPU. It is kept in ``instance/drafts/`` under the hash of the
assessment record it was built from, so it is rendered again only when the assessment
changes, and every worker process shares it. When no current draft is there, the render
runs in a separate process (one at a time, across the installation's workers), so that
people opening the preview do not slow everyone's autosave; the page that asked for it
waits politely and comes back.

The queue stays small: one render per assessment and language at a time (a newer state
replaces a render still waiting; one already running finishes first) and a few per person.
A draft in another language than English, or bilingual, is a draft of its own, kept beside the
English one of the same state.

With an in-memory database (tests) no other process can see the data: drafts render inline.

When the server process stops (:func:`stop_renders`, from gunicorn's ``worker_exit`` hook and at
interpreter exit), renders still waiting are dropped and the one running is ended: they are
rendered again when someone next asks. Their claims go with them, and a render process whose
server process has died without stopping it (killed) ends by itself.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from app.models import Assessment
from app.services.assessment.assessments import ScoreSheet, score_sheet
from app.services.exchange.packages import build_package, record_hash

#: How much lower than the server's the render process's CPU priority is.
RENDER_NICENESS = 10
#: A render taking longer than this is taken to have died; its claim is ignored.
STALE_CLAIM_SECONDS = 120
#: Drafts one person may have waiting or rendering at once (in one server process).
MAX_PER_PERSON = 3
#: How long a stopping server waits for its render process to end once told to.
STOP_SECONDS = 5.0
#: How often a render process checks that the server process that started it is still there.
PARENT_CHECK_SECONDS = 1.0

_executor: ProcessPoolExecutor | None = None
#: This process's renders by slot (assessment and variant): the key being rendered or waiting, its future
#: and the claim file that holds the slot for it.
_pending: dict[str, tuple[str, Future, Path]] = {}
#: Who asked for each of this process's renders (by slot).
_asked_by: dict[str, int | None] = {}
#: In a render process: the claim of the render running, for a render process left without its server.
_claim_rendering: Path | None = None


@dataclass(frozen=True)
class Draft:
    """A draft PDF that is ready (``pdf``), being rendered (``pdf`` is None), or refused for now (``busy``)."""

    key: str
    pdf: bytes | None
    busy: bool = False


def drafts_dir() -> Path:
    """Where draft PDFs are kept: the instance folder, shared by the installation's workers."""
    path = Path(current_app.instance_path) / "drafts"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class Variant:
    """Which draft: the report's language, and whether English stands beside it."""

    language: str = "en"
    bilingual: bool = False

    @property
    def suffix(self) -> str:
        """What the variant adds to the draft's key: nothing for the English draft."""
        if self.language == "en" and not self.bilingual:
            return ""
        return f"-{self.language}" + ("-bi" if self.bilingual else "")

    def slot(self, assessment_id: int) -> str:
        """The assessment's render queue for this variant: one render at a time in it."""
        return f"{assessment_id}{self.suffix}"


ENGLISH = Variant()


def draft_key(assessment: Assessment, variant: Variant = ENGLISH, sheet: ScoreSheet | None = None) -> str:
    """Assessment, revision and the hash of everything the report shows (a new key on every change), and the variant.

    ``sheet``: the assessment's score sheet, when the caller has it (a draft rendered here uses it again).
    """
    digest = record_hash(build_package(assessment, sheet or score_sheet(assessment)))
    return f"{_state(assessment.id, assessment.revision, digest)}{variant.suffix}"


def _state(assessment_id: int, revision: int, digest: str) -> str:
    return f"{assessment_id}-r{revision}-{digest[:24]}"


def _in_process(app: Flask) -> bool:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    return not app.config.get("DRAFTS_IN_BACKGROUND", True) or uri in ("sqlite://", "sqlite:///:memory:")


#: The reader's copy of a draft (only what the report prints attached) sits beside the full one.
READER_SUFFIX = "-reader"


def _store(folder: Path, key: str, rendered) -> None:
    """Write both copies of the draft atomically, and drop the assessment's drafts of older states."""
    for suffix, pdf in (("", rendered.pdf), (READER_SUFFIX, rendered.reader_pdf)):
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".draft-", suffix=".pdf")
        with os.fdopen(fd, "wb") as handle:
            handle.write(pdf)
        os.replace(tmp, folder / f"{key}{suffix}.pdf")
    assessment_id, revision, digest = key.split("-", 3)[:3]
    state = f"{assessment_id}-{revision}-{digest}"
    for old in folder.glob(f"{assessment_id}-r*.pdf"):
        if not old.stem.startswith(state):
            old.unlink(missing_ok=True)


def _render(config: dict, instance_path: str, assessment_id: int, key: str, variant: Variant = ENGLISH) -> None:
    """In the render process: build the app, render the draft, store it."""
    import weasyprint  # noqa: F401  (loaded before the heap is frozen: it stays for the process)

    from app import create_app
    from app.extensions import db
    from app.services.reporting.heap import frozen_heap
    from app.services.reporting.reports import render_report

    global _claim_rendering
    app = create_app({**config, "DRAFTS_IN_BACKGROUND": False})
    folder = Path(instance_path) / "drafts"
    claim = _claim_rendering = folder / f"{variant.slot(assessment_id)}.rendering"
    try:
        with app.app_context(), frozen_heap():  # the app's objects left out of collections during the render
            assessment = db.session.get(Assessment, assessment_id)
            if assessment is not None:
                rendered = render_report(
                    assessment, locale=variant.language, bilingual=variant.bilingual, reader_copy=True
                )
                _store(folder, key, rendered)
            db.session.remove()
    finally:
        _claim_rendering = None
        claim.unlink(missing_ok=True)


def _claim(folder: Path, slot: str) -> bool:
    """True if this worker may start a render in the slot: nobody else renders it, or their claim went stale."""
    claim = folder / f"{slot}.rendering"
    try:
        fd = os.open(claim, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        try:
            fresh = time.time() - claim.stat().st_mtime < STALE_CLAIM_SECONDS
        except FileNotFoundError:  # released meanwhile
            fresh = False
        if fresh:
            return False
        claim.unlink(missing_ok=True)
        return _claim(folder, slot)
    os.close(fd)
    return True


def _waiting_for(person: int | None) -> int:
    """Renders of this process that ``person`` asked for and that have not finished."""
    return sum(
        1 for slot, (_key, future, _c) in _pending.items() if not future.done() and _asked_by.get(slot) == person
    )


def _queue(app: Flask, folder: Path, assessment: Assessment, key: str, person: int | None, variant: Variant) -> bool:
    """Start (or keep) the render of ``key``; False when the person has too many waiting already."""
    slot = variant.slot(assessment.id)
    waiting = _pending.get(slot)
    if waiting is not None and not waiting[1].done():
        if waiting[0] == key:
            return True
        if not waiting[1].cancel():  # already rendering an earlier state: it finishes first
            return True
        waiting[2].unlink(missing_ok=True)  # it never started
        _pending.pop(slot)
    if person is not None and _waiting_for(person) >= MAX_PER_PERSON:
        return False
    if _claim(folder, slot):
        _pending[slot] = (
            key,
            _pool().submit(_render, _child_config(app), app.instance_path, assessment.id, key, variant),
            folder / f"{slot}.rendering",
        )
        _asked_by[slot] = person
    return True


def draft_pdf(
    assessment: Assessment, person: int | None = None, *, reader: bool = False, variant: Variant = ENGLISH
) -> Draft:
    """The assessment's current draft PDF, or a render started for it (asked for by user ``person``).

    ``reader``: the copy for someone who may not export the assessment (only what the report prints attached).
    ``variant``: the report's language, and whether English stands beside it.
    """
    folder = drafts_dir()
    sheet = score_sheet(assessment)
    key = draft_key(assessment, variant, sheet)
    path = folder / f"{key}{READER_SUFFIX if reader else ''}.pdf"
    if path.is_file():
        return Draft(key, path.read_bytes())
    app = current_app._get_current_object()
    if _in_process(app):
        from app.services.reporting.reports import render_report

        rendered = render_report(
            assessment, locale=variant.language, bilingual=variant.bilingual, reader_copy=True, sheet=sheet
        )
        _store(folder, key, rendered)
        return Draft(key, rendered.reader_pdf if reader else rendered.pdf)
    return Draft(key, None, busy=not _queue(app, folder, assessment, key, person, variant))


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
            initializer=_start_render_process,
            initargs=(RENDER_NICENESS, os.getpid()),
        )
        _stop_at_exit()
    return _executor


def stop_renders() -> None:
    """Stop this process's renders: drop those waiting, end the one running, release their claims.

    Without this a stopping server process would wait for every render queued (the executor's
    own exit hook does), and if killed meanwhile leave its render process running.
    """
    global _executor
    executor, _executor = _executor, None
    if executor is None:
        return
    claims = [claim for _key, future, claim in list(_pending.values()) if not future.done()]
    _pending.clear()
    _asked_by.clear()
    processes = list((executor._processes or {}).values())  # gone from the executor once it is shut down
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(STOP_SECONDS)
        if process.is_alive():
            process.kill()
            process.join(STOP_SECONDS)
    for claim in claims:  # their renders never ran or were cut short: the next server's workers may start them
        claim.unlink(missing_ok=True)


_stopping_at_exit = False


def _stop_at_exit() -> None:
    """Stop the renders when the interpreter exits, before the executor's own exit hook waits for them all.

    Thread-level exit hooks run before :mod:`atexit`'s, the latest registered first; concurrent.futures
    registers its own the same way when imported (``threading._register_atexit``).
    """
    global _stopping_at_exit
    if not _stopping_at_exit:
        threading._register_atexit(stop_renders)
        _stopping_at_exit = True


def _start_render_process(niceness: int, server_pid: int) -> None:
    """In a new render process: lower its priority, and end it if the server process that started it goes."""
    os.nice(niceness)
    threading.Thread(target=_end_without, args=(server_pid,), name="render-parent-watch", daemon=True).start()


def _end_without(server_pid: int) -> None:
    """End this render process once ``server_pid`` (its parent) has gone: killed, it could not stop us."""
    while os.getppid() == server_pid:
        time.sleep(PARENT_CHECK_SECONDS)
    claim = _claim_rendering
    if claim is not None:
        claim.unlink(missing_ok=True)
    os._exit(1)
