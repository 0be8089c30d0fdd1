"""A unit's SOP register: the procedures its responses point to."""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from app.extensions import db
from app.models import Citation, Sop, SopDocument, Unit
from app.services.accounts.audit import changes, record


def natural_key(sop: Sop) -> tuple:
    """Sort key that reads numbers as numbers: SOP 3 before SOP 13."""
    parts = re.split(r"(\d+)", sop.code.casefold())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


def register_of(unit: Unit) -> list[Sop]:
    """The unit's documents in natural order of their codes."""
    return sorted(unit.sops, key=natural_key)


def unit_documents(unit_id: int) -> list[Sop]:
    """The register of the unit with this id, in natural order."""
    return sorted(db.session.scalars(select(Sop).where(Sop.unit_id == unit_id)), key=natural_key)


class SopError(Exception):
    """The SOP register cannot be changed as asked; the message says why."""


def _check_unique(unit: Unit, code: str, exclude_id: int | None = None) -> None:
    query = select(Sop.id).where(Sop.unit_id == unit.id, func.upper(Sop.code) == code.upper())
    if exclude_id is not None:
        query = query.where(Sop.id != exclude_id)
    if db.session.scalar(query):
        raise SopError(_("%(unit)s already has an SOP with code %(code)s", unit=unit.code, code=code))


def add_sop(unit: Unit, code: str, title: str, version: str, issued_on: dt.date | None = None, notes: str = "") -> Sop:
    """Register an SOP of the unit."""
    code = code.strip()
    _check_unique(unit, code)
    sop = Sop(
        unit=unit,
        code=code,
        title=title.strip(),
        version=version.strip(),
        issued_on=issued_on,
        notes=notes.strip() or None,
    )
    db.session.add(sop)
    db.session.flush()
    record(
        "sop.added",
        object_type="sop",
        object_id=sop.id,
        unit_id=unit.id,
        summary=f"{unit.code} {sop.code}",
        after=_entry(sop),
    )
    db.session.commit()
    return sop


def _entry(sop: Sop) -> dict:
    return {
        "code": sop.code,
        "title": sop.title,
        "version": sop.version,
        "issued_on": sop.issued_on,
        "notes": sop.notes,
    }


def update_sop(sop: Sop, code: str, title: str, version: str, issued_on: dt.date | None, notes: str = "") -> Sop:
    """Change an SOP's register entry (a new version, a corrected title)."""
    code = code.strip()
    _check_unique(sop.unit, code, exclude_id=sop.id)
    before = _entry(sop)
    sop.code, sop.title, sop.version, sop.issued_on = code, title.strip(), version.strip(), issued_on
    sop.notes = notes.strip() or None
    old, new = changes(before, _entry(sop))
    if new:
        record(
            "sop.changed",
            object_type="sop",
            object_id=sop.id,
            unit_id=sop.unit_id,
            summary=f"{sop.code}: {', '.join(new)}",
            before=old,
            after=new,
        )
    db.session.commit()
    return sop


def delete_sop(sop: Sop) -> None:
    """Remove an SOP from the register unless responses cite it."""
    cited = db.session.scalar(select(func.count(func.distinct(Citation.response_id))).where(Citation.sop_id == sop.id))
    if cited:
        raise SopError(
            ngettext(
                "%(code)s is cited by %(num)s response; change that response first or register a new version instead",
                "%(code)s is cited by %(num)s responses; change those responses first or register a new version instead",
                cited,
                code=sop.code,
            )
        )
    imported = db.session.scalar(select(func.count(SopDocument.id)).where(SopDocument.sop_id == sop.id))
    if imported:
        raise SopError(
            ngettext(
                "%(code)s has %(num)s imported version, kept as the record of what was assessed; it stays in the register",
                "%(code)s has %(num)s imported versions, kept as the record of what was assessed; it stays in the register",
                imported,
                code=sop.code,
            )
        )
    record(
        "sop.removed", object_type="sop", object_id=sop.id, unit_id=sop.unit_id, summary=sop.code, before=_entry(sop)
    )
    db.session.delete(sop)
    db.session.commit()
