"""The review an imported copy's package reported: what an expert did at another installation.

It is never this installation's review. It sits beside the unit's answers, read-only, and
exists only when the package was signed by an installation trusted here (the import drops
it otherwise, and says so). Nothing that decides whether an assessment was reviewed here
reads it: not :attr:`Assessment.reviewed`, not the expert's layer (:class:`Review`), not
calibration, not the stage moves. Its agreed scores count in the figures only until an
expert here starts a review (``effective_answer``), and are printed as reported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.scoring import Answer
from app.extensions import db
from app.models.assessments import FINDINGS, STANCES
from app.models.base import in_clause

if TYPE_CHECKING:
    from app.models.assessments import Response


class ReportedReview(db.Model):
    """One requirement's review as another installation reported it, with the unit's reply and dissent there."""

    __tablename__ = "reported_reviews"
    __table_args__ = (
        CheckConstraint("value IS NULL OR value >= 0", name="value"),
        CheckConstraint("agreed_value IS NULL OR agreed_value >= 0", name="agreed_value"),
        CheckConstraint(f"stance IS NULL OR {in_clause('stance', STANCES)}", name="stance"),
        CheckConstraint(f"finding IS NULL OR {in_clause('finding', FINDINGS)}", name="finding"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), unique=True)
    value: Mapped[int | None]
    not_applicable: Mapped[bool] = mapped_column(default=False)
    not_evidenced: Mapped[bool] = mapped_column(default=False)
    stance: Mapped[str | None] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    finding: Mapped[str | None] = mapped_column(String(16))
    agreed_value: Mapped[int | None]
    agreed_not_applicable: Mapped[bool] = mapped_column(default=False)
    agreed_not_evidenced: Mapped[bool] = mapped_column(default=False)
    #: Names and times as the package gave them: history there, not people or events here.
    reviewed_by: Mapped[str] = mapped_column(String(200), default="")
    reviewed_at: Mapped[str | None] = mapped_column(String(40))
    agreed_by: Mapped[str] = mapped_column(String(200), default="")
    agreed_at: Mapped[str | None] = mapped_column(String(40))
    #: The unit's answer to the comment and its dissent, as given there.
    reply: Mapped[str] = mapped_column(Text, default="")
    dissent: Mapped[str] = mapped_column(Text, default="")
    #: The elements the expert there ticked (positions from 0; None: not ticked), and why another level.
    ticks: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True))
    level_reason: Mapped[str] = mapped_column(Text, default="")

    response: Mapped[Response] = relationship(back_populates="reported")

    @property
    def reviewed(self) -> bool:
        """True when the reported review gave a score (or N/A, or not evidenced)."""
        return self.value is not None or self.not_applicable or self.not_evidenced

    @property
    def agreed(self) -> bool:
        """True when an agreed score was reported."""
        return self.agreed_value is not None or self.agreed_not_applicable or self.agreed_not_evidenced

    def agreed_answer(self, basis: str | None) -> Answer:
        """The reported agreed score as an answer (on the unit's basis of evidence)."""
        return Answer(self.agreed_value, self.agreed_not_applicable, self.agreed_not_evidenced, basis)
