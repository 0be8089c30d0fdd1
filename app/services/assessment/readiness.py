"""What still stands between an assessment and an honest next stage.

Three things keep an assessment from being submitted, agreed or finalised as a whole:
requirements in scope that nobody answered, answers carried over from an earlier checklist
version that nobody re-checked, and gaps that no action closes and nobody knowingly left
open. The stage guards, the finalise page, ``flask assessments finalise`` and
``flask assessments summary`` all read them from here, so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.scoring import State
from app.services.assessment.assessments import ScoreSheet
from app.services.assessment.plans import plan_of


@dataclass(frozen=True)
class Readiness:
    """Requirement ids, in checklist order, of what is still open."""

    #: In scope (not N/A) and not answered: no score, not "not evidenced", not "to verify on site".
    unanswered: tuple[str, ...]
    #: Answers carried over from an earlier checklist version that nobody has confirmed since.
    recheck: tuple[str, ...]
    #: Gaps (on the scores that count) that no action closes and that nobody left open with a reason.
    unplanned_gaps: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """Nothing open: every requirement answered, re-checked and every gap decided."""
        return not (self.unanswered or self.recheck or self.unplanned_gaps)


def readiness_of(sheet: ScoreSheet) -> Readiness:
    """What is still open in ``sheet``'s assessment."""
    order = [r.id for r in sheet.checklist.requirements(sheet.assessment.modules, sheet.assessment.focus)]
    states = sheet.result.states
    unplanned = {gap.requirement.id for gap in plan_of(sheet).unplanned}
    return Readiness(
        unanswered=tuple(rid for rid in order if states.get(rid) is State.OPEN),
        recheck=tuple(rid for rid in order if rid in sheet.responses and sheet.responses[rid].recheck),
        unplanned_gaps=tuple(
            rid for rid in order if rid in unplanned and not sheet.responses[rid].no_action_reason.strip()
        ),
    )
