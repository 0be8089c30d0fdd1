"""Reviews of a translation, recorded by an administrator: who reviewed which text, when, with what result."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import in_clause, utcnow
from app.models.organisation import User

#: What a review concluded.
REVIEW_OUTCOMES = ("reviewed", "reviewed_with_changes_needed")


class TranslationReview(db.Model):
    """A native-speaking practitioner's review of one catalogue or overlay in one language.

    ``catalogue`` names the text: ``interface`` (the pages and reports), or a checklist overlay
    (``csi-sop-enfsi@2.1.1``). The newest review of a catalogue and language is its status.
    """

    __tablename__ = "translation_reviews"
    __table_args__ = (CheckConstraint(in_clause("outcome", REVIEW_OUTCOMES), name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(10), index=True)
    catalogue: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(32))
    #: Who reviewed it (a person outside the installation, perhaps): name and role, as they asked to be named.
    reviewer: Mapped[str] = mapped_column(String(200))
    reviewer_role: Mapped[str] = mapped_column(String(200), default="")
    reviewed_on: Mapped[dt.date]
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User | None] = relationship()
