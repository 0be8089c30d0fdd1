"""Assessments of a unit's SOPs against a pinned checklist version, in layers.

- :class:`Response`: the unit's self-assessment of one requirement (and the unit's
  replies and dissent), never overwritten by anyone else;
- :class:`Review`: the external expert's review of it, and the score agreed after the
  consultation;
- :class:`Citation`: where in the unit's documents a response finds its evidence, frozen
  at finalisation so later register edits never change a locked assessment.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.checklist import Focus
from app.domain.scoring import Answer, Basis, Scope
from app.domain.workflow import Stage
from app.extensions import db
from app.models.base import in_clause, utcnow
from app.models.checklists import ChecklistRequirement, ChecklistVersion
from app.models.organisation import Sop, Unit, User
from app.models.parts import AssessmentPart

if TYPE_CHECKING:
    from app.models.programmes import Round
    from app.models.reported import ReportedReview

BASES = tuple(Basis)
STANCES = ("agree", "disagree", "query")
FINDINGS = ("major_nc", "minor_nc", "observation", "good_practice")
#: What the expert's review holds (the audit trail and the exchange package both carry these).
REVIEW_FIELDS = (
    "value",
    "not_applicable",
    "not_evidenced",
    "stance",
    "comment",
    "finding",
    "agreed_value",
    "agreed_not_applicable",
    "agreed_not_evidenced",
)
#: The elements ticked on a layer and the reason for another level: carried only where given,
#: so a record without them (every record before checklist 2.1.0) keeps its hash.
TICK_FIELDS = ("ticks", "level_reason")


class Assessment(db.Model):
    """A unit's SOPs scored against one checklist version (pinned for good)."""

    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint(in_clause("stage", Stage), name="stage"),
        CheckConstraint(in_clause("scope", Scope), name="scope"),
        CheckConstraint(in_clause("focus", Focus), name="focus"),
        # One upgraded draft per earlier assessment and version, even when two people upgrade at once.
        Index("uq_assessments_upgrade", "predecessor_id", "checklist_version_id", unique=True),
        # The dashboard lists assessments by the time they last changed, newest first (ties by id):
        # read in this index's order, a page of a region's assessments needs no sort of them all.
        Index("ix_assessments_updated_at_id", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    checklist_version_id: Mapped[int] = mapped_column(ForeignKey("checklist_versions.id"))
    title: Mapped[str] = mapped_column(String(300))
    modules: Mapped[list[str]] = mapped_column(JSON, default=list)
    scope: Mapped[str] = mapped_column(String(10), default=Scope.DESK)
    #: The full checklist, or the essential requirements only (a unit's first assessment).
    focus: Mapped[str] = mapped_column(String(12), default=Focus.FULL, server_default=Focus.FULL.value)
    assessors: Mapped[str] = mapped_column(String(500), default="")
    assessed_on: Mapped[dt.date] = mapped_column(default=lambda: utcnow().date())
    stage: Mapped[str] = mapped_column(String(20), default=Stage.SELF_ASSESSMENT)
    #: Set at finalisation: True when an external expert's review was agreed first.
    reviewed: Mapped[bool] = mapped_column(default=False)
    revision: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finalised_at: Mapped[dt.datetime | None]
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Record hash of the package this assessment was imported from, if it was.
    imported_record: Mapped[str | None] = mapped_column(String(64), index=True)
    #: Where an imported copy came from and the history its package reported (what happened
    #: there, not here): installation, exporter, export time, stage, revision, finalisation.
    origin: Mapped[dict | None] = mapped_column(JSON)
    #: The assessment this one was upgraded from (a later checklist version), if it was.
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id", ondelete="SET NULL"))
    #: The round of a regional programme this assessment belongs to, if any.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"), index=True)
    # The scores as of the last change, kept so that lists need not score every response of
    # every assessment on every view (kept by record_scores and saves, recomputed by ensure_scores when stale).
    score: Mapped[float | None] = mapped_column(Float)
    coverage: Mapped[float | None] = mapped_column(Float)
    completeness: Mapped[float | None] = mapped_column(Float)
    answered: Mapped[int] = mapped_column(default=0)
    requirement_count: Mapped[int] = mapped_column(default=0)
    major_gaps: Mapped[int] = mapped_column(default=0)
    scored_at: Mapped[dt.datetime | None]
    #: Raised by every save of a card, with ``scored_at`` cleared, in one UPDATE that leaves
    #: ``version`` alone; kept figures are written back only for the generation they were
    #: computed from, so a concurrent save is never overwritten by older figures.
    scores_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Optimistic locking of the assessment's own fields (stage, scope, title, finalisation):
    #: two such changes made from the same state cannot both land. Saving a card leaves it alone.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    unit: Mapped[Unit] = relationship()
    checklist_version: Mapped[ChecklistVersion] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    finalised_by: Mapped[User | None] = relationship(foreign_keys=[finalised_by_id])
    predecessor: Mapped[Assessment | None] = relationship(remote_side=[id], foreign_keys=[predecessor_id])
    round: Mapped[Round | None] = relationship()
    responses: Mapped[list[Response]] = relationship(back_populates="assessment", cascade="all, delete-orphan")
    #: Who acted on which side (app.models.parts): read once per request by the access policy.
    parts: Mapped[list[AssessmentPart]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="AssessmentPart.id"
    )

    @property
    def is_locked(self) -> bool:
        """A finalised assessment takes no more changes until it is reopened."""
        return self.stage == Stage.FINALISED

    @property
    def status(self) -> str:
        """The stage, as the command line lists it."""
        return self.stage


class Response(db.Model):
    """The unit's own answer to one requirement: its self-assessment, replies and dissent."""

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("assessment_id", "requirement_id", name="uq_response_requirement"),
        CheckConstraint("value IS NULL OR value >= 0", name="value"),
        CheckConstraint(f"basis IS NULL OR {in_clause('basis', Basis)}", name="basis"),
        CheckConstraint("NOT (not_applicable AND not_evidenced)", name="one_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    requirement_id: Mapped[int] = mapped_column(ForeignKey("checklist_requirements.id"))
    value: Mapped[int | None]
    not_applicable: Mapped[bool] = mapped_column(default=False)
    na_justification: Mapped[str] = mapped_column(Text, default="")
    #: The document or record was not available: distinct from "not addressed" (0).
    not_evidenced: Mapped[bool] = mapped_column(default=False)
    basis: Mapped[str | None] = mapped_column(String(16))
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    recommendation: Mapped[str] = mapped_column(Text, default="")
    #: The unit's answer to the expert's comment.
    reply: Mapped[str] = mapped_column(Text, default="")
    #: The unit head's note of dissent from the agreed score.
    dissent: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    #: Carried over from an earlier checklist version, e.g. "1.0.0 BBB-01 (split)"; None otherwise.
    carried_from: Mapped[str | None] = mapped_column(String(200))
    #: The carried answer should be looked at again (reworded, split or merged); saving clears it.
    recheck: Mapped[bool] = mapped_column(default=False)
    #: Why it is to re-check when the cause is not a checklist upgrade (a cited SOP section changed).
    recheck_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Why no action closes this gap: the unit left it open knowingly (empty: not decided yet).
    no_action_reason: Mapped[str] = mapped_column(Text, default="")
    #: The positions (from 0) of the requirement's elements the unit found met; None: never ticked.
    ticks: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True))
    #: Why the unit chose another level than the one its ticks give.
    level_reason: Mapped[str] = mapped_column(Text, default="")

    # Optimistic locking: an UPDATE that finds another version refuses, so no edit is lost silently.
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    assessment: Mapped[Assessment] = relationship(back_populates="responses")
    requirement: Mapped[ChecklistRequirement] = relationship()
    updated_by: Mapped[User | None] = relationship()
    citations: Mapped[list[Citation]] = relationship(
        back_populates="response", order_by="Citation.position", cascade="all, delete-orphan"
    )
    review: Mapped[Review | None] = relationship(back_populates="response", cascade="all, delete-orphan")
    #: On an imported copy: the review its package reported (app.models.reported), never a review made here.
    reported: Mapped[ReportedReview | None] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )

    def citation_of(self, sop_id: int, section: str) -> Citation | None:
        """The response's citation of section ``section`` of the register entry ``sop_id``, if it cites it."""
        return next((c for c in self.citations if c.sop_id == sop_id and c.section == section), None)

    @property
    def answer(self) -> Answer:
        """The scoring view of the unit's self-assessment."""
        return Answer(self.value, self.not_applicable, self.not_evidenced, self.basis)


class Review(db.Model):
    """The expert's review of one response, and the score agreed after the consultation."""

    __tablename__ = "reviews"
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
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    agreed_at: Mapped[dt.datetime | None]
    #: The positions (from 0) of the requirement's elements the expert found met; None: never ticked.
    ticks: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True))
    #: Why the expert chose another level than the one the ticks give.
    level_reason: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    response: Mapped[Response] = relationship(back_populates="review")
    agreed_by: Mapped[User | None] = relationship(foreign_keys=[agreed_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    @property
    def reviewed(self) -> bool:
        """True once the expert gave a score (or N/A, or not evidenced)."""
        return self.value is not None or self.not_applicable or self.not_evidenced

    @property
    def agreed(self) -> bool:
        """True once an agreed score is recorded."""
        return self.agreed_value is not None or self.agreed_not_applicable or self.agreed_not_evidenced

    def expert_answer(self, basis: str | None) -> Answer:
        """The expert's score as an answer (on the unit's basis of evidence)."""
        return Answer(self.value, self.not_applicable, self.not_evidenced, basis)

    def agreed_answer(self, basis: str | None) -> Answer:
        """The agreed score as an answer (on the unit's basis of evidence)."""
        return Answer(self.agreed_value, self.agreed_not_applicable, self.agreed_not_evidenced, basis)


class Citation(db.Model):
    """Where a response finds its evidence: a document of the unit's register and a section of it.

    While the assessment is open the document's name and version are read from the
    register; finalising copies them here, so a locked assessment says what was assessed.
    """

    __tablename__ = "citations"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    sop_id: Mapped[int | None] = mapped_column(ForeignKey("sops.id", ondelete="SET NULL"))
    section: Mapped[str] = mapped_column(String(120), default="")
    frozen_code: Mapped[str | None] = mapped_column(String(40))
    frozen_title: Mapped[str | None] = mapped_column(String(300))
    frozen_version: Mapped[str | None] = mapped_column(String(40))
    frozen_issued_on: Mapped[dt.date | None]
    #: The sentences of the section quoted when the citation was made from a suggestion ("" when typed).
    quote: Mapped[str] = mapped_column(Text, default="", server_default="")

    response: Mapped[Response] = relationship(back_populates="citations")
    sop: Mapped[Sop | None] = relationship()

    @property
    def frozen(self) -> bool:
        return self.frozen_code is not None

    @property
    def code(self) -> str:
        return self.frozen_code if self.frozen else (self.sop.code if self.sop else "?")

    @property
    def title(self) -> str:
        return self.frozen_title if self.frozen else (self.sop.title if self.sop else "")

    @property
    def doc_version(self) -> str:
        return self.frozen_version if self.frozen else (self.sop.version if self.sop else "")

    @property
    def issued_on(self) -> dt.date | None:
        return self.frozen_issued_on if self.frozen else (self.sop.issued_on if self.sop else None)

    def freeze(self) -> None:
        """Copy the document's register entry into the citation, for good."""
        if self.sop is not None:
            self.frozen_code, self.frozen_title = self.sop.code, self.sop.title
            self.frozen_version, self.frozen_issued_on = self.sop.version, self.sop.issued_on

    def thaw(self) -> None:
        """Read the register again (a reopened revision)."""
        if self.sop is not None:
            self.frozen_code = self.frozen_title = self.frozen_version = None
            self.frozen_issued_on = None
