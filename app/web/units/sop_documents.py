"""SOP documents on the unit's register: import a file, read its sections and changes, download the original."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.domain import limits
from app.domain.sop_sections import Section, diff_sections
from app.extensions import db
from app.models import Sop, SopDocument, Unit
from app.services.assessment.access import Action
from app.services.content.sop_documents import (
    SopImportError,
    current_document,
    documents_of,
    import_sop_document,
    read_original,
)
from app.services.content.sops import SopError
from app.web.decisions import on_unit, requires
from app.web.guards import unit_for
from app.web.input_boundary import accepts_upload
from app.web.units.forms import SopImportForm
from app.web.units.views import _unit_page, bp


def _sop_of(unit: Unit, sop_id: int) -> Sop:
    sop = db.session.get(Sop, sop_id)
    if sop is None or sop.unit_id != unit.id:
        abort(404)
    return sop


def _sop_limit() -> int:
    return int(current_app.config.get("SOP_MAX_BYTES", limits.SOP_MAX_BYTES))


@bp.post("/<code>/sops/import")
@accepts_upload(_sop_limit)
@requires(on_unit(Action.MANAGE_SOPS))
def import_sop(code: str):
    """Import an SOP file; show its sections (and what changed since the version before)."""
    unit = unit_for(code, Action.MANAGE_SOPS)
    form = SopImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            outcome = import_sop_document(
                unit,
                upload.read(),
                upload.filename or "document",
                code=form.code.data,
                version=form.version.data or None,
                issued_on=form.issued_on.data,
                user=current_user,
            )
        except SopImportError as exc:
            form.file.errors.append(str(exc))
        else:
            document = outcome.document
            if outcome.already_imported:
                flash(
                    _(
                        "%(file)s was imported already as %(code)s version %(version)s; nothing new was stored.",
                        file=document.original_filename,
                        code=outcome.sop.code,
                        version=document.version,
                    ),
                    "info",
                )
            else:
                message = ngettext(
                    "%(code)s version %(version)s imported: %(num)s section.",
                    "%(code)s version %(version)s imported: %(num)s sections.",
                    len(document.sections),
                    code=outcome.sop.code,
                    version=document.version,
                )
                if outcome.marked:
                    message += " " + ngettext(
                        "%(num)s answer that cites a changed section is marked for re-check.",
                        "%(num)s answers that cite changed sections are marked for re-check.",
                        outcome.marked,
                    )
                flash(message, "success")
            return redirect(
                url_for("units.sop_document", code=unit.code, sop_id=outcome.sop.id, version=document.version)
            )
    return _unit_page(unit, None, 400, import_form=form)


def _document(sop: Sop) -> tuple[SopDocument | None, SopDocument | None]:
    """The document asked for (``?version=``, else the current one) and the version imported before it."""
    documents = documents_of(sop)
    wanted = request.args.get("version")
    document = next((d for d in documents if d.version == wanted), None) if wanted else current_document(sop)
    if wanted and document is None:
        abort(404)
    before = [d for d in documents if document is not None and d.id < document.id]
    return document, (before[-1] if before else None)


def _sections(document: SopDocument) -> list[Section]:
    return [Section(s.number, s.heading, s.text) for s in document.sections]


@bp.get("/<code>/sops/<int:sop_id>")
@requires(on_unit(Action.VIEW))
def sop_document(code: str, sop_id: int):
    """An SOP's imported version: its sections, and what changed since the version before."""
    unit = unit_for(code)
    sop = _sop_of(unit, sop_id)
    document, previous = _document(sop)
    diff = diff_sections(_sections(previous), _sections(document)) if document and previous else None
    return render_template(
        "units/sop_document.html",
        unit=unit,
        sop=sop,
        document=document,
        previous=previous,
        diff=diff,
        versions=documents_of(sop),
    )


@bp.get("/<code>/sops/<int:sop_id>/original")
@requires(on_unit(Action.VIEW))
def sop_original(code: str, sop_id: int):
    """The original file of an imported version, as it was imported (checked against its hash)."""
    unit = unit_for(code)
    sop = _sop_of(unit, sop_id)
    document, _previous = _document(sop)
    back = url_for("units.sop_document", code=unit.code, sop_id=sop.id)
    if document is None:
        flash(_("No file of %(code)s has been imported.", code=sop.code), "error")
        return redirect(back)
    try:
        data = read_original(document)
    except SopError as exc:
        flash(str(exc), "error")
        return redirect(back)
    response = Response(data, mimetype=document.media_type)
    response.headers["Content-Disposition"] = _attachment(document.original_filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
