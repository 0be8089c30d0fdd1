"""Recording who acted on which side of an assessment, and naming who did each part.

The access policy (:mod:`app.services.assessment.access`) refuses a person an action of the
other side once they have acted on one; :func:`take_part` records the first time a person
does each sided action, with the change it goes with (the caller commits both).
"""

from __future__ import annotations

from importlib import import_module

from app.extensions import db
from app.models import Assessment, AssessmentPart, User
from app.models.base import utcnow
from app.services.assessment.access import Action, side_of

#: The parts the report names, in the order they happen, with the action that records each.
NAMED_PARTS = ("score", "review", "hold_consultation", "confirm_agreement")


def take_part(assessment: Assessment, user: User | None, action: Action) -> None:
    """Record that ``user`` did ``action`` on ``assessment``, if the action belongs to a side."""
    side = side_of(action)
    if side is None or user is None or getattr(user, "id", None) is None:
        return
    if any(p.user_id == user.id and p.action == action for p in assessment.parts):
        return
    # Two saves of one person can race (autosave of two cards): the second one adds nothing.
    # The dialect in use only (its module is loaded with the engine): PostgreSQL's, if imported
    # at start, costs every SQLite process a fiftieth of a second.
    dialect = import_module(
        "sqlalchemy.dialects." + ("postgresql" if db.engine.dialect.name == "postgresql" else "sqlite")
    )
    db.session.execute(
        dialect.insert(AssessmentPart)
        .values(assessment_id=assessment.id, user_id=user.id, side=side, action=action.value, first_at=utcnow())
        .on_conflict_do_nothing(index_elements=["assessment_id", "user_id", "action"])
    )
    db.session.expire(assessment, ["parts"])  # read again when next asked


def named_parts(assessment: Assessment) -> list[tuple[str, list[str]]]:
    """Who did each part (self-assessment, review, consultation, agreement, finalisation), as names."""
    named = []
    for action in NAMED_PARTS:
        names = [p.user.name for p in sorted(assessment.parts, key=lambda p: p.first_at) if p.action == action]
        if names:
            named.append((action, list(dict.fromkeys(names))))
    if assessment.finalised_by is not None:
        named.append(("finalise", [assessment.finalised_by.name]))
    return named
