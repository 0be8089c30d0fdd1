"""Dashboard view."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import Unit
from app.services.access import Action, is_admin, may, may_anywhere, visible_units_clause
from app.services.assessments import results_of, visible_assessments
from app.services.issuing import latest_issues

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def index():
    """My assessments with stage, score and issued report, and the units I work with."""
    assessments = visible_assessments(current_user)
    units = db.session.scalars(
        select(Unit).where(visible_units_clause(current_user, Unit.id)).order_by(Unit.code)
    ).all()
    return render_template(
        "dashboard/index.html",
        assessments=assessments,
        results=results_of(assessments),
        issued=latest_issues(assessments),
        units=units,
        can_create=may_anywhere(current_user, Action.CREATE),
        can_import=may_anywhere(current_user, Action.IMPORT),
        creatable={u.id for u in units if may(current_user, Action.CREATE, u.id)},
        first_run=is_admin(current_user) and not units,
    )
