"""Gaps knowingly left without an action, each with its reason, and taken back.

A gap that no action closes blocks submission, agreement and finalisation until someone
either plans it or says why it stays open ("covered by the national programme next year").
The reason lives on the response (``Response.no_action_reason``); leaving and taking back
are plan edits, audited and version-checked like the others. Services flush; the caller
commits.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm.exc import StaleDataError

from app.domain.limits import LENGTH, control_character
from app.extensions import db
from app.models import Response, User
from app.services.accounts.audit import record
from app.services.assessment.access import Action
from app.services.assessment.assessments import ScoreSheet
from app.services.assessment.plans import PlanError, plan_of
from app.services.assessment.responses import InvalidResponse, ResponseConflict, claim_stage

#: The longest reason kept (a justification's length).
MAX_REASON = LENGTH["justification"]


def _unplanned_gap(sheet: ScoreSheet, requirement_id: str) -> Response:
    response = sheet.responses.get(requirement_id)
    if response is None:
        raise PlanError(_("%(id)s is not part of this assessment.", id=requirement_id))
    if requirement_id not in {gap.requirement.id for gap in plan_of(sheet).unplanned}:
        raise PlanError(
            _(
                "%(id)s is not a gap without an action any more; reload the plan to see where it stands.",
                id=requirement_id,
            )
        )
    return response


def _check_version(response: Response, expected_version: int | None) -> None:
    if expected_version is None:
        raise InvalidResponse({"version": _("The form carried no version; reload the page and try again.")})
    if expected_version != response.version:
        raise ResponseConflict(response)


def _write(sheet: ScoreSheet, requirement_id: str, response: Response, reason: str, user: User | None) -> Response:
    # A gap left open counts toward readiness: moves see this change (see claim_stage).
    claim_stage(sheet, Action.PLAN)
    before = response.no_action_reason
    response.no_action_reason = reason
    try:
        db.session.flush()
    except StaleDataError:  # someone saved this card between the check and the write
        db.session.rollback()
        db.session.refresh(response)
        raise ResponseConflict(response) from None
    record(
        "plan.gap_left_open" if reason else "plan.gap_taken_back",
        user=user,
        object_type="response",
        object_id=requirement_id,
        assessment=sheet.assessment,
        summary=f"{requirement_id}: {'left without action' if reason else 'taken back into the plan'}",
        before={"no_action_reason": before},
        after={"no_action_reason": reason},
    )
    return response


def leave_open(
    sheet: ScoreSheet, requirement_id: str, reason: str, *, expected_version: int | None, user: User | None
) -> Response:
    """Leave a gap no action closes open on purpose, saying why."""
    response = _unplanned_gap(sheet, requirement_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidResponse({"reason": _("Say why this gap is left without an action.")})
    if len(reason) > MAX_REASON:
        raise InvalidResponse(
            {"reason": ngettext("At most %(num)s character.", "At most %(num)s characters.", MAX_REASON)}
        )
    if control_character(reason):
        raise InvalidResponse({"reason": _("The reason holds a control character; remove it.")})
    _check_version(response, expected_version)
    return _write(sheet, requirement_id, response, reason, user)


def take_back(sheet: ScoreSheet, requirement_id: str, *, expected_version: int | None, user: User | None) -> Response:
    """Put a gap left open back among those the plan must still close."""
    response = sheet.responses.get(requirement_id)
    if response is None:
        raise PlanError(_("%(id)s is not part of this assessment.", id=requirement_id))
    if not response.no_action_reason:
        raise PlanError(_("%(id)s is not left without an action; nothing to take back.", id=requirement_id))
    _check_version(response, expected_version)
    return _write(sheet, requirement_id, response, "", user)


def left_open(sheet: ScoreSheet) -> list[tuple[str, Response]]:
    """The gaps no action closes that someone left open with a reason, in checklist order."""
    unplanned = {gap.requirement.id for gap in plan_of(sheet).unplanned}
    return [
        (gap_id, sheet.responses[gap_id])
        for gap_id in (r.id for r in sheet.checklist.requirements(sheet.assessment.modules, sheet.assessment.focus))
        if gap_id in unplanned and sheet.responses[gap_id].no_action_reason.strip()
    ]
