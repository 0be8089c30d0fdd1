"""The action plan: actions that each close one or more gaps, and the consultation record."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.checklist import COST_BANDS, EFFORT_BANDS
from app.extensions import db
from app.models.assessments import Assessment, Response
from app.models.base import in_clause, utcnow
from app.models.organisation import User

ACTION_STATUSES = ("proposed", "agreed", "in_progress", "done")

#: Which gaps an action closes: a response belongs to one action at most.
action_gaps = Table(
    "action_gaps",
    db.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("response_id", ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True, unique=True),
)


class PlannedAction(db.Model):
    """One action of the plan: what to do, who, by when, at what effort and cost, and the gaps it closes."""

    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint(in_clause("status", ACTION_STATUSES), name="status"),
        CheckConstraint(f"effort IS NULL OR {in_clause('effort', EFFORT_BANDS)}", name="effort"),
        CheckConstraint(f"cost IS NULL OR {in_clause('cost', COST_BANDS)}", name="cost"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    #: The checklist remedy it was suggested from, if any.
    remedy: Mapped[str | None] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[dt.date | None]
    effort: Mapped[str | None] = mapped_column(String(10))
    cost: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)
    #: The action of the earlier assessment this one was carried from (an upgrade or a follow-up).
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="SET NULL"))

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    assessment: Mapped[Assessment] = relationship()
    gaps: Mapped[list[Response]] = relationship(secondary=action_gaps, order_by=Response.id)
    updated_by: Mapped[User | None] = relationship()

    #: What an action is, apart from its gaps and its history.
    DETAILS: ClassVar[tuple[str, ...]] = ("title", "remedy", "owner", "due_on", "effort", "cost", "status", "notes")

    def copy(self, assessment: Assessment, gaps: list[Response], **changes) -> PlannedAction:
        """A new action with this one's details (``changes`` replacing some) for other gaps."""
        details = {name: getattr(self, name) for name in self.DETAILS}
        return PlannedAction(assessment=assessment, gaps=gaps, **{**details, **changes})

    def carry(self, assessment: Assessment, gaps: list[Response]) -> PlannedAction:
        """This action taken into a later assessment of the unit, remembering where it came from."""
        return self.copy(assessment, gaps, carried_from_id=self.id)


class Consultation(db.Model):
    """The record of the consultation between the expert and the unit."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), unique=True)
    held_on: Mapped[dt.date | None]
    place: Mapped[str] = mapped_column(String(200), default="")
    online: Mapped[bool] = mapped_column(default=False)
    #: [{"name": ..., "role": ..., "organisation": ...}, ...]
    participants: Mapped[list[dict]] = mapped_column(JSON, default=list)
    minutes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    assessment: Mapped[Assessment] = relationship()
    updated_by: Mapped[User | None] = relationship()

    @property
    def recorded(self) -> bool:
        """A consultation counts as held once it has a date and participants."""
        return self.held_on is not None and bool(self.participants)
