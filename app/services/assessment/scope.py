"""The scope of a draft: a document review (desk) or an on-site assessment, and what changing it changes.

In a desk review, requirements only records or practice can decide count as "to verify on
site" unless scored from records seen, an interview or an observation; on site they are
scored like any other. Changing the scope therefore moves requirements in or out of that
state, and the scores with them: the page shows which before anyone confirms.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from app.domain.results import AssessmentResult, score_assessment
from app.domain.scoring import Scope, State
from app.domain.workflow import Stage
from app.services.accounts.audit import record
from app.services.assessment.access import Action, open_in
from app.services.assessment.assessments import AssessmentError, AssessmentLocked, ScoreSheet, hold, record_scores
from app.services.labels import STAGE


class ScopeRefused(AssessmentError):
    """The scope asked for is not one there is."""


@dataclass(frozen=True)
class ScopeChange:
    """What changing a draft's scope would change, in checklist order."""

    before: str
    after: str
    #: Requirements that would count as "to verify on site" after the change and do not now.
    become_to_verify: tuple[str, ...]
    #: Requirements counted as "to verify on site" now that would be scored (or open) after it.
    leave_to_verify: tuple[str, ...]
    now: AssessmentResult
    then: AssessmentResult

    @property
    def changes_anything(self) -> bool:
        """False when no requirement changes state (no requirement is decided from records or practice)."""
        return bool(self.become_to_verify or self.leave_to_verify)


def plan_scope_change(sheet: ScoreSheet, scope: str) -> ScopeChange:
    """What setting ``sheet``'s assessment to ``scope`` would change."""
    if scope not in tuple(Scope):
        raise ScopeRefused(_("Choose the scope: desk (a document review) or onsite."))
    assessment = sheet.assessment
    then = score_assessment(sheet.checklist, assessment.modules, sheet.answers, scope, assessment.focus)
    now = sheet.result
    order = list(now.states)
    return ScopeChange(
        before=assessment.scope,
        after=scope,
        become_to_verify=tuple(
            rid for rid in order if then.states[rid] is State.TO_VERIFY and now.states[rid] is not State.TO_VERIFY
        ),
        leave_to_verify=tuple(
            rid for rid in order if now.states[rid] is State.TO_VERIFY and then.states[rid] is not State.TO_VERIFY
        ),
        now=now,
        then=then,
    )


def change_scope(sheet: ScoreSheet, scope: str, user) -> ScopeChange:
    """Set the draft's scope (flushed by the caller's commit), keep its scores and record the change."""
    if hold(sheet):  # the figures kept below count every card saved until the commit
        raise AssessmentLocked(_("Someone changed this assessment at that moment; the scope is unchanged. Try again."))
    stage = Stage(sheet.assessment.stage)
    if not open_in(Action.SET_SCOPE, stage):
        raise AssessmentLocked(
            _(
                "The assessment is at the stage '%(stage)s'; the scope can be changed only in the self-assessment.",
                stage=STAGE[stage],
            )
        )
    change = plan_scope_change(sheet, scope)
    if change.before == change.after:
        return change
    assessment = sheet.assessment
    assessment.scope = scope
    record_scores(assessment, change.then)
    sheet.refresh()
    record(
        "assessment.scope_changed",
        user=user,
        object_type="assessment",
        object_id=assessment.id,
        assessment=assessment,
        summary=f"{change.before} to {change.after}: {len(change.become_to_verify)} now to verify on site, "
        f"{len(change.leave_to_verify)} no longer",
        before={"scope": change.before},
        after={"scope": change.after},
    )
    return change
