"""Checklist versions as loaded: the pinned text, with sections and requirements as rows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow


class ChecklistVersion(db.Model):
    """One version of a checklist, stored exactly as loaded and never changed."""

    __tablename__ = "checklist_versions"
    __table_args__ = (UniqueConstraint("checklist_id", "version", name="uq_checklist_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    source_text: Mapped[str] = mapped_column(Text, deferred=True)
    #: The parsed content as JSON: rebuilt into the model without parsing YAML again.
    document: Mapped[dict | None] = mapped_column(JSON, deferred=True)
    source_name: Mapped[str] = mapped_column(String(300))
    loaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    sections: Mapped[list[ChecklistSection]] = relationship(
        back_populates="checklist_version", order_by="ChecklistSection.position", cascade="all, delete-orphan"
    )

    @property
    def ref(self) -> str:
        """``id@version``."""
        return f"{self.checklist_id}@{self.version}"


class ChecklistSection(db.Model):
    """A section of a stored checklist version."""

    __tablename__ = "checklist_sections"
    __table_args__ = (UniqueConstraint("checklist_version_id", "code", name="uq_section_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_version_id: Mapped[int] = mapped_column(ForeignKey("checklist_versions.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    module: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int]

    checklist_version: Mapped[ChecklistVersion] = relationship(back_populates="sections")
    requirements: Mapped[list[ChecklistRequirement]] = relationship(
        back_populates="section", order_by="ChecklistRequirement.position", cascade="all, delete-orphan"
    )


class ChecklistRequirement(db.Model):
    """A requirement of a stored checklist version; responses point here."""

    __tablename__ = "checklist_requirements"
    __table_args__ = (UniqueConstraint("checklist_version_id", "code", name="uq_requirement_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_version_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_versions.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[int] = mapped_column(ForeignKey("checklist_sections.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    criticality: Mapped[str] = mapped_column(String(16))
    consequence: Mapped[str] = mapped_column(String(16))
    module: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int]

    section: Mapped[ChecklistSection] = relationship(back_populates="requirements")
    checklist_version: Mapped[ChecklistVersion] = relationship()
