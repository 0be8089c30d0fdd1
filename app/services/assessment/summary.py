"""Where an assessment stands, in one set of facts that pages, reports and commands share.

The results page, the report's executive summary and ``flask assessments summary`` all read
the same :class:`AssessmentSummary`, so they never disagree. An overall score is shown only
with the evidence coverage it rests on and is withheld below half the applicable requirements
scored from evidence (:attr:`app.domain.scoring.Summary.sufficient`); the same rule holds for
the unit's self-assessed overall.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.calibration import Calibration
from app.domain.in_scope import InScope
from app.domain.scoring import State, Summary
from app.models import FINDINGS
from app.services.assessment.assessments import ScoreSheet
from app.services.assessment.readiness import Readiness, readiness_of
from app.services.assessment.reviews import findings
from app.services.formatting import withheld_reason


@dataclass(frozen=True)
class AssessmentSummary:
    """The figures and counts that say where an assessment stands."""

    stage: str
    scope: str
    #: Scores the report counts: the agreed score where there is one, else the unit's own.
    overall: Summary
    #: Scores of the unit's self-assessment alone.
    self_overall: Summary
    #: Requirements in the assessment with an agreed score (of any kind: a value, N/A, not evidenced).
    agreed: int
    #: Of the requirements the overall rests on (scored from evidence): how many count an agreed score ...
    counted_agreed: int
    #: ... and how many the unit's own.
    counted_own: int
    readiness: Readiness
    #: Expert's findings by class (major_nc, minor_nc, observation, good_practice), every class present.
    finding_counts: dict[str, int]
    calibration: Calibration
    #: True when an external expert reviewed (or is reviewing) the self-assessment.
    reviewed: bool
    #: Finalised without an expert's review: the unit's own internal check.
    internal_check: bool
    #: On an imported copy no expert here has started reviewing: how many of the scores the overall
    #: rests on are agreed scores reported by the trusted installation it came from (never "reviewed").
    counted_reported: int = 0
    #: The scene types taken and left out, and the focus (a first assessment counts essentials only).
    in_scope: InScope | None = None

    @property
    def overall_score(self) -> float | None:
        """The overall score where the evidence allows showing it, else None (withheld)."""
        return self.overall.shown_score

    @property
    def self_score(self) -> float | None:
        """The unit's self-assessed overall where its evidence allows showing it, else None."""
        return self.self_overall.shown_score

    @property
    def withheld(self) -> bool:
        """True when the overall is not shown: less than half the applicable requirements scored from evidence."""
        return not self.overall.sufficient

    @property
    def withheld_reason(self) -> str | None:
        """Why the overall is not shown, in a sentence; None when it is shown."""
        return withheld_reason(self.overall)

    @property
    def self_withheld_reason(self) -> str | None:
        """Why the self-assessed overall is not shown; None when it is shown."""
        return withheld_reason(self.self_overall)

    @property
    def unanswered(self) -> int:
        """In-scope requirements nobody answered."""
        return len(self.readiness.unanswered)

    @property
    def partial(self) -> bool:
        """An internal check finalised with requirements in scope left unanswered."""
        return self.internal_check and self.unanswered > 0

    @property
    def mixes_agreed_scores(self) -> bool:
        """True when any score the overall counts is an agreed one: the overall is then not the unit's alone."""
        return self.counted_agreed > 0 or self.counted_reported > 0


def summary_of(sheet: ScoreSheet) -> AssessmentSummary:
    """The facts of ``sheet``'s assessment that the pages, the report and the command show."""
    assessment = sheet.assessment
    requirements = [r.id for r in sheet.checklist.requirements(assessment.modules, assessment.focus)]
    agreed = {rid for rid in requirements if (review := sheet.responses[rid].review) is not None and review.agreed}
    scored = [rid for rid in requirements if sheet.result.states[rid] is State.SCORED]
    counted_agreed = sum(1 for rid in scored if rid in agreed)
    # An imported copy's reported agreed scores (app.models.reported) count only while nothing is reviewed here.
    reported = {
        rid
        for rid in requirements
        if sheet.responses[rid].review is None and (layer := sheet.responses[rid].reported) is not None and layer.agreed
    }
    counted_reported = sum(1 for rid in scored if rid in reported)
    reviewed = assessment.reviewed if assessment.is_locked else sheet.has_review
    return AssessmentSummary(
        stage=str(assessment.stage),
        scope=str(assessment.scope),
        overall=sheet.result.overall,
        self_overall=sheet.self_result.overall,
        agreed=len(agreed),
        counted_agreed=counted_agreed,
        counted_own=len(scored) - counted_agreed - counted_reported,
        readiness=readiness_of(sheet),
        finding_counts={key: len(items) for key, items in findings(sheet).items() if key in FINDINGS},
        calibration=sheet.calibration,
        reviewed=reviewed,
        internal_check=assessment.is_locked and not assessment.reviewed,
        counted_reported=counted_reported,
        in_scope=sheet.in_scope,
    )
