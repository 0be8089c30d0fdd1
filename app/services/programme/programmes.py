"""Creating programmes and rounds, adding units and people, and finding them by name.

Every change is audited. A round is named by its label within its programme (``2026``);
where a command takes a round alone, a label shared by two programmes is refused with
the ids that tell them apart.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.domain.limits import LimitError, check_text
from app.extensions import db
from app.models import PROGRAMME_ROLES, Assessment, Programme, Round, Unit, User
from app.services.accounts.audit import record
from app.services.labels import ROLE


class ProgrammeError(Exception):
    """A programme or round cannot be made or found as asked; the message says why."""


def _text(value: str, what: str, kind: str) -> str:
    value = (value or "").strip()
    try:
        check_text(value, what, kind)
    except LimitError as exc:
        raise ProgrammeError(str(exc)) from None
    if not value:
        raise ProgrammeError(_("%(what)s is empty.", what=what))
    return value


def create_programme(name: str, user: User | None = None) -> Programme:
    """A new programme (flushed; the caller commits)."""
    name = _text(name, _("The programme's name"), "programme_name")
    if db.session.scalar(select(Programme.id).where(Programme.name == name)) is not None:
        raise ProgrammeError(_("A programme named '%(name)s' exists already.", name=name))
    programme = Programme(name=name)
    db.session.add(programme)
    db.session.flush()
    record("programme.created", user=user, object_type="programme", object_id=programme.id, summary=name)
    return programme


def add_unit(programme: Programme, unit: Unit, user: User | None = None) -> bool:
    """Add ``unit`` to ``programme``; False when it was in it already."""
    if unit in programme.units:
        return False
    programme.units.append(unit)
    record(
        "programme.unit_added",
        user=user,
        object_type="programme",
        object_id=programme.id,
        unit_id=unit.id,
        summary=f"{unit.code} joins {programme.name}",
    )
    return True


def add_member(programme: Programme, person: User, user: User | None = None) -> bool:
    """Assign programme staff or an expert to ``programme``; False when they were already."""
    if person.role not in PROGRAMME_ROLES:
        raise ProgrammeError(
            _(
                "%(email)s is %(role)s: only programme staff and experts join a programme "
                "(unit users see their own unit only).",
                email=person.email,
                role=ROLE.get(person.role, person.role),
            )
        )
    if person in programme.members:
        return False
    programme.members.append(person)
    record(
        "programme.member_added",
        user=user,
        object_type="programme",
        object_id=programme.id,
        summary=f"{person.email} ({person.role}) joins {programme.name}",
    )
    return True


def create_round(programme: Programme, label: str, user: User | None = None) -> Round:
    """A new round of ``programme`` (flushed; the caller commits)."""
    label = _text(label, _("The round's label"), "round_label")
    if any(r.label == label for r in programme.rounds):
        raise ProgrammeError(_("%(programme)s has a round '%(label)s' already.", programme=programme.name, label=label))
    found = Round(programme=programme, label=label)
    db.session.add(found)
    db.session.flush()
    record(
        "round.created",
        user=user,
        object_type="round",
        object_id=found.id,
        summary=f"{programme.name}, round {label}",
    )
    return found


def find_programme(name_or_id: str) -> Programme:
    """The programme with this name (or id)."""
    text = (name_or_id or "").strip()
    found = db.session.scalar(select(Programme).where(Programme.name == text))
    if found is None and text.isdigit():
        found = db.session.get(Programme, int(text))
    if found is None:
        known = ", ".join(f"'{n}'" for n in db.session.scalars(select(Programme.name).order_by(Programme.name)))
        raise ProgrammeError(
            _("No programme named '%(name)s'. Programmes: %(known)s.", name=text, known=known or _("none yet"))
        )
    return found


def _rounds_labelled(label: str, programmes: list[Programme] | None = None) -> list[Round]:
    query = select(Round).where(Round.label == label).options(selectinload(Round.programme)).order_by(Round.id)
    if programmes is not None:
        query = query.where(Round.programme_id.in_([p.id for p in programmes]))
    return list(db.session.scalars(query))


def _one_round(found: list[Round], label: str, where: str) -> Round:
    if not found:
        raise ProgrammeError(_("No round '%(label)s' %(where)s.", label=label, where=where))
    if len(found) > 1:
        listed = "; ".join(f"{r.id} ({r.programme.name})" for r in found)
        raise ProgrammeError(
            _(
                "Round '%(label)s' is in more than one programme; name it by its id: %(listed)s.",
                label=label,
                listed=listed,
            )
        )
    return found[0]


def find_round(label_or_id: str) -> Round:
    """The round with this label (in whichever programme has it) or id; ambiguity is refused."""
    text = (label_or_id or "").strip()
    found = _rounds_labelled(text)
    if not found and text.isdigit() and (by_id := db.session.get(Round, int(text))) is not None:
        return by_id
    return _one_round(found, text, _("in any programme"))


def round_for_unit(unit: Unit, label: str) -> Round:
    """The round labelled ``label`` of a programme ``unit`` belongs to."""
    programmes = programmes_of_unit(unit)
    if not programmes:
        raise ProgrammeError(
            _("Unit %(code)s is in no programme: add it first ('flask programmes add-unit').", code=unit.code)
        )
    return _one_round(
        _rounds_labelled(label.strip(), programmes),
        label.strip(),
        _("in the programmes of unit %(code)s", code=unit.code),
    )


def rounds_of_units(units: list[Unit]) -> list[Round]:
    """The rounds of every programme any of ``units`` belongs to, newest programme round last."""
    ids = {u.id for u in units}
    programmes = db.session.scalars(
        select(Programme)
        .options(selectinload(Programme.units), selectinload(Programme.rounds))
        .order_by(Programme.name)
    )
    return [r for p in programmes if any(u.id in ids for u in p.units) for r in p.rounds]


def programmes_of_unit(unit: Unit) -> list[Programme]:
    """The programmes ``unit`` belongs to."""
    return [p for p in db.session.scalars(select(Programme).order_by(Programme.name)) if unit in p.units]


def place_in_round(assessment: Assessment, found: Round) -> None:
    """Make ``assessment`` part of round ``found``; its unit must belong to the round's programme."""
    if assessment.unit not in found.programme.units:
        raise ProgrammeError(
            _(
                "Unit %(code)s is not in %(programme)s: add it to the programme first.",
                code=assessment.unit.code,
                programme=found.programme.name,
            )
        )
    assessment.round = found


def assessments_in_round(found: Round) -> list[Assessment]:
    """The round's assessments, by unit code, then oldest first."""
    query = (
        select(Assessment)
        .join(Unit)
        .where(Assessment.round_id == found.id)
        .options(selectinload(Assessment.unit), selectinload(Assessment.checklist_version))
        .order_by(Unit.code, Assessment.id)
    )
    return list(db.session.scalars(query))
