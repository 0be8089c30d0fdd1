"""Issued reports: PDFs written once, with what it takes to prove they are unchanged."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.assessments import Assessment
from app.models.base import utcnow
from app.models.organisation import User


class IssuedReport(db.Model):
    """The PDF of one revision of a finalised assessment, filed under ``reports/``."""

    __tablename__ = "issued_reports"
    __table_args__ = (UniqueConstraint("assessment_id", "revision", name="uq_issued_reports_revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    revision: Mapped[int]
    filename: Mapped[str] = mapped_column(String(200), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    checklist_ref: Mapped[str] = mapped_column(String(100))
    checklist_hash: Mapped[str] = mapped_column(String(64))
    record_hash: Mapped[str] = mapped_column(String(64))
    pdf_variant: Mapped[str] = mapped_column(String(20))
    #: The language the report was issued in (a code of LANGUAGES; "en" for every report before there was a choice).
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: The head of the audit trail's chain when the report was issued (printed on its cover):
    #: a chain rewritten later no longer has this hash at this place.
    chain_seq: Mapped[int | None]
    chain_hash: Mapped[str | None] = mapped_column(String(64))
    #: The reader's copy, filed beside it: the same pages with only what the report prints
    #: attached, for those who may not export the assessment (none on reports issued before).
    reader_filename: Mapped[str | None] = mapped_column(String(200), unique=True)
    reader_sha256: Mapped[str | None] = mapped_column(String(64))
    reader_size: Mapped[int | None]

    assessment: Mapped[Assessment] = relationship()
    signed_off_by: Mapped[User | None] = relationship()

    def copy_for(self, *, reader: bool) -> tuple[str | None, str | None]:
        """The filed copy a person takes, as (file name, SHA-256): the reader's copy for those who
        may not export the assessment (both None on reports issued before reader's copies)."""
        return (self.reader_filename, self.reader_sha256) if reader else (self.filename, self.sha256)

    @property
    def short_hash(self) -> str:
        """The first 12 hex digits of the file's SHA-256, as shown in lists."""
        return self.sha256[:12]

    @property
    def short_record(self) -> str:
        """The first 12 hex digits of the assessment record's hash, as printed in the footer."""
        return self.record_hash[:12]
