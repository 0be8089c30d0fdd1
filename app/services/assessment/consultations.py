"""The consultation record: when and where the expert met the unit, who took part, the minutes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from app.domain.workflow import Stage
from app.extensions import db
from app.models import Assessment, Consultation, User
from app.models.base import utcnow
from app.services.accounts.audit import changes
from app.services.accounts.audit import record as audit
from app.services.assessment.access import Action, open_in
from app.services.assessment.assessments import AssessmentLocked
from app.services.assessment.responses import InvalidResponse, ResponseConflict
from app.services.assessment.workflow import consultation_of

MAX_PARTICIPANTS = 40


@dataclass
class Participant:
    """Someone who took part."""

    name: str
    role: str = ""
    organisation: str = ""


@dataclass
class ConsultationInput:
    """The consultation record as submitted."""

    held_on: dt.date | None = None
    place: str = ""
    online: bool = False
    participants: list[Participant] = field(default_factory=list)
    minutes: str = ""


def record_of(assessment: Assessment) -> Consultation:
    """The assessment's consultation record, new and unsaved when there is none yet."""
    return consultation_of(assessment.id) or Consultation(assessment=assessment, participants=[])


def save_consultation(
    assessment: Assessment, data: ConsultationInput, *, expected_version: int | None, user: User | None
) -> Consultation:
    """Save the record (while the review and consultation are under way)."""
    if not open_in(Action.CONSULT, Stage(assessment.stage)):
        raise AssessmentLocked(_("The consultation record can be changed during the review and consultation only."))
    people = [p for p in data.participants if p.name.strip() or p.role.strip() or p.organisation.strip()]
    errors = {}
    if any(not p.name.strip() for p in people):
        errors["participants"] = _("Each participant needs a name.")
    if len(people) > MAX_PARTICIPANTS:
        errors["participants"] = ngettext(
            "At most %(num)s participant.", "At most %(num)s participants.", MAX_PARTICIPANTS
        )
    if not data.online and data.held_on is not None and not data.place.strip():
        errors["place"] = _("Say where the consultation was held, or tick online.")
    if errors:
        raise InvalidResponse(errors)
    record = record_of(assessment)
    if record.id is not None and expected_version != record.version:
        raise ResponseConflict(record)
    before = _snapshot(record)
    record.held_on = data.held_on
    record.place = data.place.strip()
    record.online = data.online
    record.participants = [
        {"name": p.name.strip(), "role": p.role.strip(), "organisation": p.organisation.strip()} for p in people
    ]
    record.minutes = data.minutes.strip()
    record.updated_by = user
    record.updated_at = utcnow()
    db.session.add(record)
    db.session.flush()
    old, new = changes(before, _snapshot(record))
    if old or new:
        audit(
            "consultation.changed",
            user=user,
            object_type="consultation",
            object_id=record.id,
            assessment=assessment,
            summary=", ".join(new),
            before=old,
            after=new,
        )
    return record


def _snapshot(record: Consultation) -> dict:
    return {name: getattr(record, name) for name in ("held_on", "place", "online", "participants", "minutes")}
