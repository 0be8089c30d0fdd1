"""Who acted on which side of an assessment: the unit's or the expert's.

One person never acts on both sides of one assessment (an administrator who wrote the
expert's review cannot also accept it for the unit). Each row is the first time a person
did one thing on one side; :mod:`app.services.assessment.access` decides from them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import in_clause, utcnow
from app.models.organisation import User

SIDES = ("unit", "expert")


class AssessmentPart(db.Model):
    """A person's part in an assessment: the side, what they did, and when they first did it."""

    __tablename__ = "assessment_parts"
    __table_args__ = (
        UniqueConstraint("assessment_id", "user_id", "action", name="uq_assessment_parts_action"),
        CheckConstraint(in_clause("side", SIDES), name="side"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(10))
    #: The action (app.services.assessment.access.Action), e.g. "review", "confirm_agreement".
    action: Mapped[str] = mapped_column(String(32))
    first_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
