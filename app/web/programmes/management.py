"""The forms that set a programme up, with the choices each offers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.extensions import db
from app.models import PROGRAMME_ROLES, Programme, Unit, User
from app.services.labels import ROLE
from app.web.programmes.forms import ProgrammeMemberForm, ProgrammeUnitForm, RoundForm


@dataclass
class ManageForms:
    """The three forms of a programme's page: add a unit, assign a person, open a round."""

    unit: ProgrammeUnitForm
    member: ProgrammeMemberForm
    round: RoundForm

    @classmethod
    def for_programme(cls, programme: Programme, **submitted) -> ManageForms:
        """Blank forms (or the ``submitted`` one in place), offering only what is not in the programme yet."""
        forms = cls(
            unit=submitted.get("unit") or ProgrammeUnitForm(formdata=None, prefix="unit"),
            member=submitted.get("member") or ProgrammeMemberForm(formdata=None, prefix="member"),
            round=submitted.get("round") or RoundForm(formdata=None, prefix="round"),
        )
        forms.offer(programme)
        return forms

    def offer(self, programme: Programme) -> None:
        """Fill the choices: units not in the programme, staff and experts not assigned to it."""
        inside = {u.id for u in programme.units}
        units = db.session.scalars(select(Unit).order_by(Unit.code))
        self.unit.unit.choices = [SelectChoice(u.id, f"{u.code} — {u.name}") for u in units if u.id not in inside]
        assigned = {p.id for p in programme.members}
        people = db.session.scalars(
            select(User).where(User.role.in_(PROGRAMME_ROLES), User.active.is_(True)).order_by(User.name)
        )
        self.member.person.choices = [
            SelectChoice(p.id, f"{p.name} ({ROLE[p.role]}, {p.email})") for p in people if p.id not in assigned
        ]
