"""Assessments of a unit's SOPs against a pinned checklist version, and their responses."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.checklists import ChecklistRequirement, ChecklistVersion
from app.models.organisation import Sop, Unit, User

STATUSES = ("draft", "finalised")
KINDS = ("self_assessment", "consultation")


class Assessment(db.Model):
    """A unit's SOPs scored against one checklist version (pinned for good)."""

    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        CheckConstraint(f"kind IN {KINDS!r}", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    checklist_version_id: Mapped[int] = mapped_column(ForeignKey("checklist_versions.id"))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="self_assessment")
    modules: Mapped[list[str]] = mapped_column(JSON, default=list)
    assessors: Mapped[str] = mapped_column(String(500), default="")
    assessed_on: Mapped[dt.date] = mapped_column(default=lambda: utcnow().date())
    status: Mapped[str] = mapped_column(String(16), default="draft")
    revision: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finalised_at: Mapped[dt.datetime | None]
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Record hash of the package this assessment was imported from, if it was.
    imported_record: Mapped[str | None] = mapped_column(String(64), index=True)

    unit: Mapped[Unit] = relationship()
    checklist_version: Mapped[ChecklistVersion] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    finalised_by: Mapped[User | None] = relationship(foreign_keys=[finalised_by_id])
    responses: Mapped[list[Response]] = relationship(back_populates="assessment", cascade="all, delete-orphan")

    @property
    def is_locked(self) -> bool:
        """A finalised assessment takes no more changes until it is reopened."""
        return self.status == "finalised"


class Response(db.Model):
    """The assessor's answer to one requirement within an assessment."""

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("assessment_id", "requirement_id", name="uq_response_requirement"),
        CheckConstraint("value IS NULL OR value >= 0", name="value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    requirement_id: Mapped[int] = mapped_column(ForeignKey("checklist_requirements.id"))
    value: Mapped[int | None]
    not_applicable: Mapped[bool] = mapped_column(default=False)
    na_justification: Mapped[str] = mapped_column(Text, default="")
    sop_id: Mapped[int | None] = mapped_column(ForeignKey("sops.id", ondelete="SET NULL"))
    sop_section: Mapped[str] = mapped_column(String(120), default="")
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    recommendation: Mapped[str] = mapped_column(Text, default="")
    action_owner: Mapped[str] = mapped_column(String(200), default="")
    action_due: Mapped[dt.date | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    # Optimistic locking: an UPDATE that finds another version refuses, so no edit is lost silently.
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    assessment: Mapped[Assessment] = relationship(back_populates="responses")
    requirement: Mapped[ChecklistRequirement] = relationship()
    sop: Mapped[Sop | None] = relationship()
    updated_by: Mapped[User | None] = relationship()
