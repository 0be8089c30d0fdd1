"""Issuing reports: the PDF of a finalised revision is written once and never changes.

Downloads serve that file as it is; ``verify_reports`` proves every filed PDF still has
the hash recorded when it was issued. Reopening an assessment starts a new revision, so
earlier issued reports stay as they were.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Assessment, IssuedReport, User
from app.models.base import utcnow
from app.services.accounts.audit import record
from app.services.accounts.chain import chain_head
from app.services.assessment.assessments import AssessmentError
from app.services.reporting.drafts import READER_SUFFIX  # drafts and issued reports name their reader's copy alike
from app.services.reporting.reports import PDF_VARIANT, render_report
from app.services.write_once import write_once

#: Where files without a record are moved when an issue is completed (under ``reports/``).
ORPHANS = ".unrecorded"


class IssueError(AssessmentError):
    """A report cannot be issued (or served) as asked; the message says why."""


def reports_dir() -> Path:
    """Where issued PDFs are filed (``REPORTS_DIR``, default ``reports/``)."""
    path = Path(current_app.config["REPORTS_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def assessment_filename(
    assessment: Assessment, kind: str = "gap-report", extension: str = "pdf", suffix: str = ""
) -> str:
    """``gap-report-DEMO-12-r2.pdf``: what it is, unit, assessment and revision."""
    unit = re.sub(r"[^A-Za-z0-9_-]+", "-", assessment.unit.code)
    return f"{kind}-{unit}-{assessment.id}-r{assessment.revision}{suffix}.{extension}"


def reader_copy_name(filename: str) -> str:
    """``gap-report-DEMO-12-r2-reader.pdf``: the reader's copy is filed beside the report it copies."""
    return f"{Path(filename).stem}{READER_SUFFIX}{Path(filename).suffix}"


def current_issue(assessment: Assessment) -> IssuedReport | None:
    """The issued report of the assessment's current revision, if there is one."""
    return db.session.scalar(
        select(IssuedReport).where(
            IssuedReport.assessment_id == assessment.id, IssuedReport.revision == assessment.revision
        )
    )


def latest_issues(assessments) -> dict[int, IssuedReport]:
    """The newest issued report of each assessment that has one, in one query."""
    ids = [a.id for a in assessments]
    latest: dict[int, IssuedReport] = {}
    if ids:
        rows = db.session.scalars(
            select(IssuedReport).where(IssuedReport.assessment_id.in_(ids)).order_by(IssuedReport.revision)
        )
        for report in rows:
            latest[report.assessment_id] = report
    return latest


def issued_reports(assessment: Assessment) -> list[IssuedReport]:
    """Every report issued for the assessment, newest revision first."""
    return list(
        db.session.scalars(
            select(IssuedReport)
            .where(IssuedReport.assessment_id == assessment.id)
            .order_by(IssuedReport.revision.desc())
        )
    )


def _write_once(path: Path, data: bytes) -> None:
    write_once(path, data, prefix=TEMPORARY_PREFIX)  # an issued file is never overwritten


def _set_aside(path: Path) -> Path:
    """Move a file no record accounts for out of the way (kept for an administrator, never deleted)."""
    aside = path.parent / ORPHANS / f"{utcnow():%Y%m%dT%H%M%S}-{path.name}"
    aside.parent.mkdir(exist_ok=True)
    os.replace(path, aside)
    return aside


def issue_report(assessment: Assessment, user: User, *, language: str | None = None) -> IssuedReport:
    """Render, file and record the report of the assessment's current (finalised) revision.

    ``language``: the language it is issued in (a code of LANGUAGES); by default the signing
    person's own, else English. It is recorded with the report, and a reader's copy filed
    later is rendered in it again.

    Two files are filed from one layout: the report with the whole assessment record
    attached, and the reader's copy (the same pages, with only what the report prints
    attached) for those who may not export the assessment.

    The record is flushed first (that claims the revision: a second person issuing at the
    same moment waits there, then is told it is issued), the files are written next, and the
    record is committed last. If writing or the commit fails the files are removed again, so
    neither remains; if the process dies between the two, the files stay without a record:
    ``flask report verify`` names them, and the next attempt sets them aside and completes.
    """
    _check_issuable(assessment)
    head = chain_head()  # printed on the cover and kept: the trail as it stood when this was issued
    language = _issuing_language(language, user)
    rendered = render_report(assessment, locale=language, chain_head=head, reader_copy=True)
    folder = reports_dir()
    path = folder / assessment_filename(assessment)
    reader_path = folder / reader_copy_name(path.name)
    issued = IssuedReport(
        assessment=assessment,
        revision=assessment.revision,
        filename=path.name,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        size=len(rendered.pdf),
        reader_filename=reader_path.name,
        reader_sha256=hashlib.sha256(rendered.reader_pdf).hexdigest(),
        reader_size=len(rendered.reader_pdf),
        checklist_ref=assessment.checklist_version.ref,
        checklist_hash=assessment.checklist_version.content_hash,
        record_hash=rendered.record_hash,
        pdf_variant=PDF_VARIANT,
        language=language,
        signed_off_by=user,
        issued_at=utcnow(),
        chain_seq=head[0],
        chain_hash=head[1],
    )
    assessment_id, revision = assessment.id, assessment.revision
    db.session.add(issued)
    try:
        db.session.flush()  # claims the revision; someone issuing it at the same moment fails here
    except IntegrityError:
        db.session.rollback()
        raise IssueError(_issued_meanwhile(assessment_id, revision, (path.name, reader_path.name))) from None
    for taken in (path, reader_path):
        if taken.exists():
            _make_way(taken, issued)
    record(
        "report.issued",
        user=user,
        object_type="report",
        object_id=issued.id,
        assessment=assessment,
        summary=f"{issued.filename} sha256 {issued.sha256[:12]}",
        after={
            "filename": issued.filename,
            "sha256": issued.sha256,
            "revision": issued.revision,
            "reader_filename": issued.reader_filename,
            "reader_sha256": issued.reader_sha256,
            "language": language,
        },
    )
    _file_and_commit([(path, rendered.pdf), (reader_path, rendered.reader_pdf)])
    return issued


def _issuing_language(language: str | None, user: User) -> str:
    """The language asked for, else the signing person's own, else English; never one not offered."""
    offered = current_app.config["LANGUAGES"]
    if language is not None:
        if language not in offered:
            raise IssueError(
                _("%(lang)s is not a language here; choose one of %(all)s.", lang=language, all=", ".join(offered))
            )
        return language
    return user.language if user.language in offered else "en"


def _file_and_commit(files: list[tuple[Path, bytes]]) -> None:
    """Write each file once, then commit; if anything fails, remove what was written and roll back."""
    written: list[Path] = []
    try:
        for target, data in files:
            _write_once(target, data)
            written.append(target)
        db.session.commit()
    except BaseException as exc:
        db.session.rollback()
        for target in written:
            target.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise IssueError(_unwritable(exc)) from None
        raise


def file_reader_copy(report: IssuedReport, user: User | None = None) -> str:
    """File the reader's copy of a report issued before reader's copies were filed; say what was done.

    The copy is rendered again from the assessment, so it is filed only while the assessment
    still holds exactly the record that was issued (same revision, still finalised, the same
    record hash); otherwise the report keeps no reader's copy and viewers are told why.
    """
    assessment = report.assessment
    if report.reader_filename:
        return _("%(name)s has its reader's copy already.", name=report.filename)
    if assessment.revision != report.revision or not assessment.is_locked:
        return _(
            "%(name)s: the assessment has changed since it was issued (now revision %(rev)s); "
            "no reader's copy can be made from it.",
            name=report.filename,
            rev=assessment.revision,
        )
    head = (report.chain_seq, report.chain_hash) if report.chain_seq is not None else None
    rendered = render_report(assessment, locale=report.language or "en", chain_head=head, reader_copy=True)
    if rendered.record_hash != report.record_hash:
        return _(
            "%(name)s: the assessment's record no longer matches the issued one; no reader's copy was made.",
            name=report.filename,
        )
    path = reports_dir() / reader_copy_name(report.filename)
    report.reader_filename = path.name
    report.reader_sha256 = hashlib.sha256(rendered.reader_pdf).hexdigest()
    report.reader_size = len(rendered.reader_pdf)
    if path.exists():
        _make_way(path, report)
    record(
        "report.reader_copy_filed",
        user=user,
        object_type="report",
        object_id=report.id,
        assessment=assessment,
        summary=f"{path.name} sha256 {report.reader_sha256[:12]}",
        after={"reader_filename": path.name, "reader_sha256": report.reader_sha256},
    )
    _file_and_commit([(path, rendered.reader_pdf)])
    return _("%(name)s: filed its reader's copy %(copy)s.", name=report.filename, copy=path.name)


def _check_issuable(assessment: Assessment) -> None:
    if not assessment.is_locked:
        raise IssueError(_("Finalise the assessment before issuing its report."))
    if current_issue(assessment) is not None:
        raise IssueError(
            _("Revision %(rev)s is issued already; reopen the assessment to issue a new one.", rev=assessment.revision)
        )


def _issued_meanwhile(assessment_id: int, revision: int, names: tuple[str, ...]) -> str:
    """What a person is told whose issue lost to another made at the same moment."""
    other = db.session.scalar(
        select(IssuedReport).where(IssuedReport.assessment_id == assessment_id, IssuedReport.revision == revision)
    )
    if other is None:
        owned = db.session.scalar(
            select(IssuedReport.filename).where(
                IssuedReport.filename.in_(names) | IssuedReport.reader_filename.in_(names)
            )
        )
        if owned is not None:  # another record holds the name: never replace what it filed
            return _(
                "%(name)s exists already in the reports folder; it is not replaced. Ask an administrator.", name=owned
            )
        # the other issue did not complete either
        return _("Someone else was issuing this report at the same moment; nothing was issued. Issue it again.")
    who = other.signed_off_by.name if other.signed_off_by else _("someone")
    return _(
        "%(who)s issued revision %(rev)s a moment ago (SHA-256 %(hash)s); it was not issued twice.",
        who=who,
        rev=revision,
        hash=other.short_hash,
    )


def _make_way(path: Path, issued: IssuedReport) -> None:
    """Set aside a file an earlier, failed attempt left under this name; refuse if a record owns it."""
    owner = db.session.scalar(
        select(IssuedReport.id).where(
            IssuedReport.id != issued.id,
            (IssuedReport.filename == path.name) | (IssuedReport.reader_filename == path.name),
        )
    )
    if owner is not None:
        db.session.rollback()
        raise IssueError(
            _(
                "%(name)s exists already in the reports folder; it is not replaced. Ask an administrator.",
                name=path.name,
            )
        )
    _set_aside(path)


def _unwritable(exc: OSError) -> str:
    """The message for a report that could not be filed (nothing was kept)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _(
            "The reports folder's disk is full: the report was not issued and nothing was filed. "
            "Ask an administrator to free space, then issue it again."
        )
    return _(
        "The report could not be written to the reports folder (%(reason)s): it was not issued and nothing "
        "was filed. Ask an administrator.",
        reason=exc.strerror or type(exc).__name__,
    )


def read_issued(report: IssuedReport, *, reader: bool = False) -> bytes:
    """The issued file's bytes, after checking them against the recorded hash.

    ``reader``: the reader's copy (only what the report prints attached), for someone who
    may not export the assessment; reports issued before reader's copies were filed have none.
    """
    name, expected = report.copy_for(reader=reader)
    if name is None:
        raise IssueError(
            _(
                "This report was issued before reader's copies were filed, and its file carries the whole "
                "assessment record, which your role may not take. Ask the unit head or an administrator for it."
            )
        )
    path = reports_dir() / name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IssueError(_("The issued file %(name)s is missing from the reports folder.", name=name)) from None
    if hashlib.sha256(data).hexdigest() != expected:
        raise IssueError(
            _("The issued file %(name)s no longer matches its recorded hash; it is not served.", name=name)
        )
    return data


#: Set-aside files an administrator has looked at: kept, no longer named as a failure.
ACKNOWLEDGED = "acknowledged"
#: What an issue writes before the final name exists (``_write_once``); never needed after a crash.
TEMPORARY_PREFIX = ".issuing-"

#: States that are not a failure of the archive.
FINE = frozenset({"ok"})


@dataclass(frozen=True)
class VerifyOutcome:
    """The state of one file of the reports folder, or of one issued report."""

    report: IssuedReport | None
    #: ok | missing | altered | unknown (a file no record accounts for) | temporary (left by an
    #: issue that did not finish) | set-aside (moved away by a later issue, not yet acknowledged)
    state: str
    filename: str = ""

    def __str__(self) -> str:
        r = self.report
        if r is not None:
            digest = r.short_hash if self.filename == r.filename else (r.reader_sha256 or "")[:12]
            return (
                f"{self.state.upper():8} {self.filename}  assessment {r.assessment_id} r{r.revision}  sha256 {digest}"
            )
        why = {
            "unknown": "no issued report records this file",
            "temporary": "left by an issue that did not finish; --repair removes it",
            "set-aside": "set aside by a later issue; --repair acknowledges it (it is kept)",
        }[self.state]
        return f"{self.state.upper():8} {self.filename}  {why}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_reports() -> list[VerifyOutcome]:
    """Check every issued file against its recorded SHA-256, and name every other file of the folder."""
    outcomes = []
    folder = reports_dir()
    for report in db.session.scalars(select(IssuedReport).order_by(IssuedReport.id)):
        filed = [report.copy_for(reader=False)]
        if report.reader_filename:  # the reader's copy is checked as strictly as the report
            filed.append(report.copy_for(reader=True))
        for name, expected in filed:
            path = folder / name
            state = "missing" if not path.is_file() else "ok" if _sha256(path) == expected else "altered"
            outcomes.append(VerifyOutcome(report, state, name))
    recorded = {o.filename for o in outcomes}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name in recorded or path.name == ".gitkeep":
            continue
        state = "temporary" if path.name.startswith(TEMPORARY_PREFIX) else "unknown"
        outcomes.append(VerifyOutcome(None, state, path.name))
    aside = folder / ORPHANS
    if aside.is_dir():
        outcomes += [
            VerifyOutcome(None, "set-aside", f"{ORPHANS}/{p.name}") for p in sorted(aside.iterdir()) if p.is_file()
        ]
    return outcomes


def repair_reports(user: User | None = None) -> list[str]:
    """Remove temporary files, set aside unrecorded ones and acknowledge what is set aside; audited.

    Nothing issued is touched: missing and altered reports stay failures for a person to
    look into. Returns what was done, one line each.
    """
    folder = reports_dir()
    done = []
    for outcome in verify_reports():
        path = folder / outcome.filename
        if outcome.state == "temporary":
            path.unlink(missing_ok=True)
            done.append(f"removed {outcome.filename}")
        elif outcome.state == "unknown":
            done.append(
                f"set aside {outcome.filename} as {ORPHANS}/{ACKNOWLEDGED}/{_acknowledge(_set_aside(path)).name}"
            )
        elif outcome.state == "set-aside":
            done.append(f"acknowledged {outcome.filename}")
            _acknowledge(path)
    if done:
        record("report.verify_repaired", user=user, summary="; ".join(done)[:500], after={"done": done})
    return done


def _acknowledge(path: Path) -> Path:
    """Move a set-aside file among the acknowledged ones (kept, no longer a failure)."""
    target = path.parent / ACKNOWLEDGED / path.name
    target.parent.mkdir(exist_ok=True)
    os.replace(path, target)
    return target
