"""Issuing reports: the PDF of a finalised revision is written once and never changes.

Downloads serve that file as it is; ``verify_reports`` proves every filed PDF still has
the hash recorded when it was issued. Reopening an assessment starts a new revision, so
earlier issued reports stay as they were.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import Assessment, IssuedReport, User
from app.models.base import utcnow
from app.services.accounts.audit import record
from app.services.accounts.chain import chain_head
from app.services.assessment.assessments import AssessmentError
from app.services.reporting.reports import PDF_VARIANT, render_report

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
    """Write a new file atomically and make it read-only; never replace an existing one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".issuing-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o444)
        os.link(tmp, path)  # fails if the name is taken: an issued file is never overwritten
    finally:
        os.unlink(tmp)


def _set_aside(path: Path) -> Path:
    """Move a file no record accounts for out of the way (kept for an administrator, never deleted)."""
    aside = path.parent / ORPHANS / f"{utcnow():%Y%m%dT%H%M%S}-{path.name}"
    aside.parent.mkdir(exist_ok=True)
    os.replace(path, aside)
    return aside


def issue_report(assessment: Assessment, user: User) -> IssuedReport:
    """Render, file and record the report of the assessment's current (finalised) revision.

    The record is flushed first, the file written next, and the record committed last. If
    the commit fails the file is removed again, so neither remains; if the process dies
    between the two, the file stays without a record: ``flask report verify`` names it, and
    the next attempt sets it aside and completes the issue.
    """
    if not assessment.is_locked:
        raise IssueError(_("Finalise the assessment before issuing its report."))
    if current_issue(assessment) is not None:
        raise IssueError(
            _("Revision %(rev)s is issued already; reopen the assessment to issue a new one.", rev=assessment.revision)
        )
    head = chain_head()  # printed on the cover and kept: the trail as it stood when this was issued
    rendered = render_report(assessment, chain_head=head)
    pdf = rendered.pdf
    path = reports_dir() / assessment_filename(assessment)
    if path.exists():
        recorded = db.session.scalar(select(IssuedReport.id).where(IssuedReport.filename == path.name))
        if recorded is not None:
            raise IssueError(
                _(
                    "%(name)s exists already in the reports folder; it is not replaced. Ask an administrator.",
                    name=path.name,
                )
            )
        _set_aside(path)  # left by an attempt that failed before its record was committed
    issued = IssuedReport(
        assessment=assessment,
        revision=assessment.revision,
        filename=path.name,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        checklist_ref=assessment.checklist_version.ref,
        checklist_hash=assessment.checklist_version.content_hash,
        record_hash=rendered.record_hash,
        pdf_variant=PDF_VARIANT,
        signed_off_by=user,
        issued_at=utcnow(),
        chain_seq=head[0],
        chain_hash=head[1],
    )
    db.session.add(issued)
    db.session.flush()  # a conflicting record fails here, before any file is written
    record(
        "report.issued",
        user=user,
        object_type="report",
        object_id=issued.id,
        assessment=assessment,
        summary=f"{issued.filename} sha256 {issued.sha256[:12]}",
        after={"filename": issued.filename, "sha256": issued.sha256, "revision": issued.revision},
    )
    _write_once(path, pdf)
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        path.unlink(missing_ok=True)
        raise
    return issued


def read_issued(report: IssuedReport) -> bytes:
    """The issued file's bytes, after checking them against the recorded hash."""
    path = reports_dir() / report.filename
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IssueError(
            _("The issued file %(name)s is missing from the reports folder.", name=report.filename)
        ) from None
    if hashlib.sha256(data).hexdigest() != report.sha256:
        raise IssueError(
            _("The issued file %(name)s no longer matches its recorded hash; it is not served.", name=report.filename)
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
            return f"{self.state.upper():8} {r.filename}  assessment {r.assessment_id} r{r.revision}  sha256 {r.short_hash}"
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
        path = folder / report.filename
        state = "missing" if not path.is_file() else "ok" if _sha256(path) == report.sha256 else "altered"
        outcomes.append(VerifyOutcome(report, state, report.filename))
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
