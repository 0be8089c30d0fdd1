"""SOP documents: the original file of each imported version, and its text as numbered sections."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.organisation import Sop, User


class SopDocument(db.Model):
    """One imported version of a register entry: the original, filed once under ``SOPS_DIR`` and hashed."""

    __tablename__ = "sop_documents"
    __table_args__ = (UniqueConstraint("sop_id", "version", name="uq_sop_documents_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sop_id: Mapped[int] = mapped_column(ForeignKey("sops.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[dt.date | None]
    original_filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    stored_filename: Mapped[str] = mapped_column(String(255), unique=True)
    page_count: Mapped[int | None]
    #: The file had no headings: its text is one section.
    no_headings: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    sop: Mapped[Sop] = relationship()
    imported_by: Mapped[User | None] = relationship()
    sections: Mapped[list[SopSection]] = relationship(
        back_populates="document", order_by="SopSection.position", cascade="all, delete-orphan", passive_deletes=True
    )


class SopSection(db.Model):
    """A numbered section of an imported SOP version, as responses cite it ("3.2")."""

    __tablename__ = "sop_sections"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_sop_sections_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("sop_documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    number: Mapped[str] = mapped_column(String(120))
    heading: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    length: Mapped[int] = mapped_column(default=0)

    document: Mapped[SopDocument] = relationship(back_populates="sections")
