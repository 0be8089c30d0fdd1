"""A unit's SOP register: the procedures its responses point to."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.models import Response, Sop, Unit


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
    db.session.commit()
    return sop


def update_sop(sop: Sop, code: str, title: str, version: str, issued_on: dt.date | None, notes: str = "") -> Sop:
    """Change an SOP's register entry (a new version, a corrected title)."""
    code = code.strip()
    _check_unique(sop.unit, code, exclude_id=sop.id)
    sop.code, sop.title, sop.version, sop.issued_on = code, title.strip(), version.strip(), issued_on
    sop.notes = notes.strip() or None
    db.session.commit()
    return sop


def delete_sop(sop: Sop) -> None:
    """Remove an SOP from the register unless responses cite it."""
    cited = db.session.scalar(select(func.count(Response.id)).where(Response.sop_id == sop.id))
    if cited:
        raise SopError(
            _(
                "%(code)s is cited by %(n)s responses; change those responses first or register a new version instead",
                code=sop.code,
                n=cited,
            )
        )
    db.session.delete(sop)
    db.session.commit()
