"""Fetch unit data for a view, or stop with 404, 403 or 409, using the one access policy."""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.domain.jurisdictions import active_jurisdiction
from app.domain.workflow import Stage
from app.extensions import db
from app.models import Assessment, Programme, Round, Unit
from app.services.accounts.audit import record
from app.services.assessment.access import (
    ROLE_ACTIONS,
    Action,
    ProgrammeAction,
    is_admin,
    may,
    may_anywhere,
    may_programme,
    open_for,
    open_in,
    roles_for,
    side_refusal,
)
from app.services.content.jurisdictions import profile_of
from app.services.labels import ACTION, ROLE, STAGE


def refused(code: int, what: str, unit_id: int | None = None, assessment_id: int | None = None, **kwargs):
    """Record the refusal in the audit trail, then stop the request with ``code``."""
    record(
        "access.refused",
        unit_id=unit_id,
        assessment_id=assessment_id,
        summary=f"{code} {request.method} {request.path} ({what})"[:500],
    )
    db.session.commit()
    abort(code, **kwargs)


def role_refusal(action: Action) -> str:
    """What a 403 for ``action`` tells the user: what their role lacks, who may, whom to ask."""
    roles = ", ".join(str(ROLE[r]) for r in roles_for(action)) or str(ROLE["admin"])
    return _(
        "Your role (%(role)s) may not %(what)s. This is for: %(roles)s. Ask an administrator if your role is wrong.",
        role=ROLE.get(current_user.role, current_user.role),
        what=ACTION[action],
        roles=roles,
    )


def refuse_without_unit(action: Action) -> None:
    """Stop with 403 unless the user may do ``action`` in at least one unit; say why and whom to ask."""
    if may_anywhere(current_user, action):
        return
    if action not in ROLE_ACTIONS.get(current_user.role, ()):
        refused(403, f"role {current_user.role} may not {action}", description=role_refusal(action))
    refused(
        403,
        f"no unit for {action}",
        description=_("You are not a member of any CSI unit yet. Ask an administrator to add you to your unit."),
    )


def _check(unit_id: int, action: Action, assessment_id: int | None = None) -> None:
    # Someone who may not even view the unit learns nothing: 404, not 403.
    if not may(current_user, Action.VIEW, unit_id):
        refused(404, "not one of the user's units", unit_id, assessment_id)
    if action is not Action.VIEW and not may(current_user, action, unit_id):
        refused(
            403, f"role {current_user.role} may not {action}", unit_id, assessment_id, description=role_refusal(action)
        )


def assessment_for(assessment_id: int, action: Action = Action.VIEW) -> Assessment:
    """The assessment, if the current user may do ``action`` with it now (its stage included)."""
    assessment = db.session.get(Assessment, assessment_id) if assessment_id < 2**31 else None
    if assessment is None:
        abort(404)
    _check(assessment.unit_id, action, assessment.id)
    other_side = side_refusal(current_user, action, assessment)
    if other_side:
        refused(403, f"acted on the other side; {action}", assessment.unit_id, assessment.id, description=other_side)
    stage = Stage(assessment.stage)
    if open_in(action, stage) and not open_for(action, assessment):
        abort(
            409,
            description=_(
                "The report of revision %(rev)s is issued, so no one can %(what)s any more. "
                "Reopen the assessment as a new revision to change it.",
                rev=assessment.revision,
                what=ACTION[action],
            ),
        )
    if not open_in(action, stage):
        abort(
            409,
            description=_(
                "The assessment is at the stage '%(stage)s', where no one can %(what)s.",
                stage=STAGE[stage],
                what=ACTION[action],
            ),
        )
    active_jurisdiction.set(profile_of(assessment.unit))  # its times and costs in the unit's zone and currency
    return assessment


def unit_for(code: str, action: Action = Action.VIEW) -> Unit:
    """The unit with this code, if the current user may do ``action`` with it."""
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        abort(404)
    _check(unit.id, action)
    active_jurisdiction.set(profile_of(unit))
    return unit


def require_admin() -> None:
    """Stop unless the current user is an administrator."""
    if not is_admin(current_user):
        refused(
            403,
            "not an administrator",
            description=_("This page is for administrators. Ask an administrator if you need something done here."),
        )


def programme_for(programme_id: int, action: ProgrammeAction = ProgrammeAction.VIEW) -> Programme:
    """The programme, if the current user may do ``action`` with it (404 to anyone who may not see it)."""
    programme = db.session.get(Programme, programme_id) if programme_id < 2**31 else None
    if programme is None or not may_programme(current_user, ProgrammeAction.VIEW, programme):
        if programme is not None:
            refused(404, f"not one of the user's programmes: {programme_id}")
        abort(404)
    if not may_programme(current_user, action, programme):
        refused(
            403,
            f"role {current_user.role} may not {action} programme {programme_id}",
            description=_(
                "Your role (%(role)s) may not do this with the programme. Ask an administrator.",
                role=ROLE.get(current_user.role, current_user.role),
            ),
        )
    return programme


def round_for(round_id: int, action: ProgrammeAction = ProgrammeAction.VIEW) -> Round:
    """The round, if the current user may do ``action`` with its programme."""
    found = db.session.get(Round, round_id) if round_id < 2**31 else None
    if found is None:
        abort(404)
    programme_for(found.programme_id, action)
    return found
