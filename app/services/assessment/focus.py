"""A first assessment's focus: the essential requirements only, and widening it to the full checklist.

Widening keeps every answer given: the essential requirements keep their cards as they are,
and the others get empty cards to score. Only a unit head (or an administrator) widens a
draft, during the self-assessment, after confirming; the change is audited.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.domain.checklist import Focus
from app.domain.workflow import Stage
from app.extensions import db
from app.models import ChecklistRequirement, Response
from app.services.accounts.audit import record
from app.services.assessment.access import Action, open_in
from app.services.assessment.assessments import AssessmentError, AssessmentLocked, ScoreSheet, hold, record_scores
from app.services.labels import STAGE


class FocusRefused(AssessmentError):
    """The assessment already takes the full checklist."""


def requirements_added_by_widening(sheet: ScoreSheet) -> list[str]:
    """The requirements widening would add to the draft, in checklist order."""
    assessment = sheet.assessment
    return [r.id for r in sheet.checklist.requirements(assessment.modules) if r.id not in sheet.responses]


def widen_to_full(sheet: ScoreSheet, user) -> list[str]:
    """Widen an essentials-only draft to the full checklist (flushed, not committed); the requirements added."""
    assessment = sheet.assessment
    if hold(sheet):
        raise AssessmentLocked(_("Someone changed this assessment at that moment; it is unchanged. Try again."))
    if assessment.focus != Focus.ESSENTIALS:
        raise FocusRefused(_("This assessment already takes the full checklist."))
    stage = Stage(assessment.stage)
    if not open_in(Action.WIDEN, stage):
        raise AssessmentLocked(
            _(
                "The assessment is at the stage '%(stage)s'; it can be widened only in the self-assessment.",
                stage=STAGE[stage],
            )
        )
    added = requirements_added_by_widening(sheet)
    rows = db.session.scalars(
        select(ChecklistRequirement).where(
            ChecklistRequirement.checklist_version_id == assessment.checklist_version_id,
            ChecklistRequirement.code.in_(added),
        )
    )
    for row in rows:
        response = Response(requirement=row)
        assessment.responses.append(response)
        sheet.responses[row.code] = response
    assessment.focus = Focus.FULL
    db.session.flush()
    sheet.refresh()
    record_scores(assessment, sheet.result)
    record(
        "assessment.widened",
        user=user,
        object_type="assessment",
        object_id=assessment.id,
        assessment=assessment,
        summary=f"first assessment widened to the full checklist: {len(added)} requirements added, answers kept",
        before={"focus": Focus.ESSENTIALS.value},
        after={"focus": Focus.FULL.value},
    )
    return added
