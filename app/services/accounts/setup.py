"""How far a new installation has been set up: what the first administrator still has to do."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select

from app.extensions import db
from app.models import Assessment, Unit, User


@dataclass(frozen=True)
class SetupSteps:
    """The three steps from an empty installation to a first assessment, each done or not."""

    unit: bool
    people: bool
    assessment: bool

    @property
    def finished(self) -> bool:
        return self.unit and self.people and self.assessment


def setup_steps(administrator: User) -> SetupSteps:
    """Whether a unit, another person and an assessment exist yet."""
    return SetupSteps(
        unit=db.session.scalar(select(exists().where(Unit.id.isnot(None)))),
        people=db.session.scalar(select(exists().where(User.id != administrator.id))),
        assessment=db.session.scalar(select(exists().where(Assessment.id.isnot(None)))),
    )
