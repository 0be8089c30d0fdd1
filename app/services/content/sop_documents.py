"""Importing SOP documents into a unit's register: the original filed once, its text as sections.

An import either stores everything (register entry, document, sections, the original file,
the re-check marks, the audit event) or nothing: the file is written after the rows are
flushed and removed again if the commit fails, as issued reports are
(app.services.reporting.issuing). A filed original is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path, PurePath

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.domain import limits
from app.domain.sop_sections import Section, SectionDiff, diff_sections, split_sections
from app.extensions import db
from app.models import Sop, SopDocument, SopSection, Unit, User
from app.services.accounts.audit import record
from app.services.content.sop_extraction import SUFFIX_OF, Bounds, ExtractionRefused, extract
from app.services.content.sop_rechecks import mark_rechecks
from app.services.content.sops import SopError
from app.services.write_once import write_once

#: What a file is first written as, before it takes its name.
TEMPORARY_PREFIX = ".importing-"


class SopImportError(SopError):
    """The document was not imported; the message names the file and says why. Nothing was stored."""


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: the entry and document, the diff against the version before, the re-checks."""

    sop: Sop
    document: SopDocument
    created_entry: bool = False
    already_imported: bool = False
    previous: SopDocument | None = None
    diff: SectionDiff | None = None
    marked: int = 0


def sops_dir() -> Path:
    """Where originals are filed (``SOPS_DIR``, default ``sops/`` in the instance folder)."""
    path = Path(current_app.config.get("SOPS_DIR") or Path(current_app.instance_path) / "sops")
    path.mkdir(parents=True, exist_ok=True)
    return path


def bounds() -> Bounds:
    """The extraction limits, with the time limit this installation sets (``SOP_SECONDS``)."""
    return Bounds(seconds=float(current_app.config.get("SOP_SECONDS", limits.SOP_SECONDS)))


def refusal_message(filename: str, exc: ExtractionRefused) -> str:
    """Why a file was refused, in the reader's language, naming the file."""
    d = exc.detail
    why = {
        "empty": lambda: _("the file is empty"),
        "too_large": lambda: _(
            "the file is %(size)s MB; at most %(limit)s MB are taken",
            size=round(d["size"] / 1048576, 1),
            limit=d["limit"] // 1048576,
        ),
        "unsupported": lambda: _("this is not a PDF, DOCX, ODT, plain text (.txt) or Markdown (.md) file"),
        "legacy_office": lambda: _("this is an old Word (.doc) file; save it as DOCX, ODT or PDF first"),
        "malformed": lambda: _("the file is damaged and cannot be read (%(why)s)", why=d.get("why", "")),
        "truncated_pdf": lambda: _("the PDF is incomplete (it has no end); download or export it again"),
        "encrypted": lambda: _("the PDF is protected with a password; save a copy without protection"),
        "scanned": lambda: _(
            "This PDF has no text layer (it looks scanned); export it from the word processor or run OCR first"
        ),
        "too_many_pages": lambda: ngettext(
            "the PDF has %(pages)s page; at most %(limit)s are taken",
            "the PDF has %(pages)s pages; at most %(limit)s are taken",
            d["pages"],
            **d,
        ),
        "too_much_text": lambda: ngettext(
            "the document holds more than %(num)s character of text",
            "the document holds more than %(num)s characters of text",
            d["limit"],
        ),
        "unpacks_too_large": lambda: _("the document unpacks to more than %(limit)s MB", limit=d["limit"] // 1048576),
        "not_utf8": lambda: _(
            "the text is not UTF-8 (byte %(position)s); save it as UTF-8 and import it again", position=d["position"]
        ),
        "too_slow": lambda: ngettext(
            "reading it took longer than %(seconds)s second, so it was stopped; export a simpler copy (PDF or DOCX)",
            "reading it took longer than %(seconds)s seconds, so it was stopped; export a simpler copy (PDF or DOCX)",
            int(d["seconds"]) if float(d["seconds"]).is_integer() else 5,  # a fraction takes the form of many
            seconds=f"{d['seconds']:g}",
        ),
        "no_text": lambda: _("the document holds no text"),
    }.get(exc.reason, lambda: exc.reason)()
    return _("%(file)s was not imported: %(why)s.", file=filename, why=why.rstrip("."))


def _entry_of(unit: Unit, code: str) -> Sop | None:
    return db.session.scalar(select(Sop).where(Sop.unit_id == unit.id, func.upper(Sop.code) == code.upper()))


def documents_of(sop: Sop) -> list[SopDocument]:
    """Every imported version of the entry, oldest first."""
    return list(db.session.scalars(select(SopDocument).where(SopDocument.sop_id == sop.id).order_by(SopDocument.id)))


def current_document(sop: Sop) -> SopDocument | None:
    """The imported document of the register's version, or else the latest import."""
    return current_of(sop, documents_of(sop))


def current_of(sop: Sop, documents: list[SopDocument]) -> SopDocument | None:
    """Among the entry's documents (oldest first), the one of the register's version, or else the latest."""
    same = [d for d in documents if d.version == sop.version]
    return (same or documents or [None])[-1]


def current_section(sop: Sop, number: str) -> SopSection | None:
    """Section ``number`` of the entry's current document; None when it has no such section (or no document)."""
    document = current_document(sop)
    return next((s for s in document.sections if s.number == number), None) if document is not None else None


def _clean(value: str, what: str, kind: str) -> str:
    value = (value or "").strip()
    try:
        return limits.check_text(value, what, kind)
    except limits.LimitError as exc:
        raise SopImportError(str(exc)) from None


def _plain_name(filename: str) -> str:
    name = PurePath((filename or "").replace("\\", "/")).name or "document"
    return limits.CONTROL.sub("", name)[:255]


def import_sop_document(
    unit: Unit,
    data: bytes,
    filename: str,
    *,
    code: str,
    version: str | None = None,
    issued_on: dt.date | None = None,
    user: User | None = None,
) -> ImportOutcome:
    """Import one SOP file into the unit's register (see the module's docstring); SopImportError when refused."""
    filename = _plain_name(filename)
    code = _clean(code, _("The SOP code"), "sop_code")
    if not code:
        raise SopImportError(_("%(file)s was not imported: give the SOP's code.", file=filename))
    if issued_on is not None:
        try:
            limits.check_date(issued_on, _("The issue date"))
        except limits.LimitError as exc:
            raise SopImportError(str(exc)) from None
    most = int(current_app.config.get("SOP_MAX_BYTES", limits.SOP_MAX_BYTES))
    if len(data) > most:
        raise SopImportError(refusal_message(filename, ExtractionRefused("too_large", size=len(data), limit=most)))
    sha256 = hashlib.sha256(data).hexdigest()
    sop = _entry_of(unit, code)
    documents = documents_of(sop) if sop is not None else []
    for document in documents:
        if document.sha256 == sha256:
            return ImportOutcome(sop, document, already_imported=True)
    version = _clean(version or "", _("The version"), "sop_version") or _default_version(sop, documents, filename)
    if any(d.version == version for d in documents):
        raise SopImportError(
            _(
                "%(file)s was not imported: version %(version)s of %(code)s was imported before with other "
                "content; give this file a new version.",
                file=filename,
                version=version,
                code=sop.code,
            )
        )
    try:
        extracted = extract(data, filename, bounds())
    except ExtractionRefused as exc:
        raise SopImportError(refusal_message(filename, exc)) from None
    sectioning = split_sections(extracted.paragraphs)
    created = sop is None
    if created:
        sop = Sop(unit=unit, code=code, title=_title(sectioning.title, filename), version=version)
        db.session.add(sop)
    sop.version = version
    if issued_on is not None or documents:  # a first file of a registered entry keeps its date unless given
        sop.issued_on = issued_on
    document = SopDocument(
        sop=sop,
        version=version,
        issued_on=issued_on,
        original_filename=filename,
        media_type=extracted.media_type,
        size=len(data),
        sha256=sha256,
        stored_filename=_stored_name(unit, code, version, sha256, extracted.media_type),
        page_count=extracted.pages,
        no_headings=sectioning.no_headings,
        imported_by=user,
        sections=[
            SopSection(position=i, number=s.number, heading=s.heading, text=s.text, length=s.length)
            for i, s in enumerate(sectioning.sections)
        ],
    )
    db.session.add(document)
    try:
        db.session.flush()
    except IntegrityError:  # the same code or version imported by someone else at this moment
        db.session.rollback()
        raise SopImportError(
            _(
                "%(file)s was not imported: %(code)s version %(version)s was imported by someone else a moment ago; "
                "look at the register and import again if needed.",
                file=filename,
                code=code,
                version=version,
            )
        ) from None
    previous = documents[-1] if documents else None
    diff = diff_sections(_sections_of(previous), sectioning.sections) if previous is not None else None
    marked = mark_rechecks(sop, previous, document, diff, user) if diff is not None else 0
    record(
        "sop.document_imported",
        user=user,
        object_type="sop",
        object_id=sop.id,
        unit_id=unit.id,
        summary=f"{unit.code} {sop.code} v{version}: {filename} sha256 {sha256[:12]}, "
        f"{len(document.sections)} sections" + (f", {marked} responses to re-check" if marked else ""),
        after={
            "code": sop.code,
            "version": version,
            "issued_on": issued_on,
            "filename": filename,
            "stored": document.stored_filename,
            "sha256": sha256,
            "sections": len(document.sections),
            "created_entry": created,
            **({"previous": previous.version, **_diff_numbers(diff), "marked": marked} if diff else {}),
        },
    )
    _file_and_commit(sops_dir() / document.stored_filename, data, filename)
    return ImportOutcome(sop, document, created, False, previous, diff, marked)


def _default_version(sop: Sop | None, documents: list[SopDocument], filename: str) -> str:
    """No version given: the register's own for its first document, "1" for a new entry; else refused."""
    if sop is None:
        return "1"
    if not documents:
        return sop.version
    raise SopImportError(
        _(
            "%(file)s was not imported: %(code)s has an imported version %(version)s; give the new file's version.",
            file=filename,
            code=sop.code,
            version=documents[-1].version,
        )
    )


def _title(heading: str, filename: str) -> str:
    return (heading or PurePath(filename).stem or filename)[: limits.LENGTH["sop_title"]]


def _sections_of(document: SopDocument | None) -> list[Section]:
    return [Section(s.number, s.heading, s.text) for s in document.sections] if document else []


def _diff_numbers(diff: SectionDiff) -> dict:
    return {
        "added": [s.number for s in diff.added],
        "removed": [s.number for s in diff.removed],
        "changed": [c.number for c in diff.changed],
    }


def _stored_name(unit: Unit, code: str, version: str, sha256: str, media_type: str) -> str:
    """``U1-SOP-03-v2.1-3fa4b2c19e01.pdf``: unit, code, version and the start of the hash."""
    safe = "-".join(re.sub(r"[^A-Za-z0-9._-]+", "-", part).strip("-.") or "x" for part in (unit.code, code))
    return (
        f"{safe}-v{re.sub(r'[^A-Za-z0-9._-]+', '-', version).strip('-.') or 'x'}-{sha256[:12]}{SUFFIX_OF[media_type]}"
    )


def _file_and_commit(path: Path, data: bytes, filename: str) -> None:
    """File the original, then commit; on any failure remove what was written here and roll back."""
    written = False
    try:
        if path.exists() and _file_hash(path) == hashlib.sha256(data).hexdigest():
            pass  # an attempt that failed before its commit left this very file: it is the original
        else:
            write_once(path, data, prefix=TEMPORARY_PREFIX)
            written = True
        db.session.commit()
    except BaseException as exc:
        db.session.rollback()
        if written:
            path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise SopImportError(
                _(
                    "%(file)s was not imported: the SOP folder cannot be written (%(reason)s). Ask an administrator.",
                    file=filename,
                    reason=exc.strerror or type(exc).__name__,
                )
            ) from None
        raise


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_original(document: SopDocument) -> bytes:
    """The filed original's bytes, checked against the hash recorded at import."""
    path = sops_dir() / document.stored_filename
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SopError(
            _("The original %(name)s is missing from the SOP folder.", name=document.stored_filename)
        ) from None
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise SopError(
            _(
                "The original %(name)s no longer matches its recorded hash; it is not served.",
                name=document.stored_filename,
            )
        )
    return data


def imported_versions(unit_id: int) -> dict[int, int]:
    """How many versions of each of the unit's SOPs were imported, in one query."""
    rows = db.session.execute(
        select(SopDocument.sop_id, func.count(SopDocument.id))
        .join(Sop, SopDocument.sop_id == Sop.id)
        .where(Sop.unit_id == unit_id)
        .group_by(SopDocument.sop_id)
    )
    return dict(rows.all())
