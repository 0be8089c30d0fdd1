"""Dashboard view."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select

from app.domain.workflow import Stage
from app.extensions import db
from app.models import Unit
from app.services.accounts.setup import setup_steps
from app.services.assessment.access import Action, is_admin, may, may_anywhere, visible_units_clause
from app.services.assessment.assessments import visible_assessments
from app.services.reporting.issuing import latest_issues
from app.web.decisions import SIGNED_IN, requires

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@requires(SIGNED_IN)
def index():
    """My assessments (a page at a time, filtered) with stage, score and issued report, and my units."""
    units = db.session.scalars(
        select(Unit).where(visible_units_clause(current_user, Unit.id)).order_by(Unit.code)
    ).all()
    filters = {
        "unit_code": request.args.get("unit") or None,
        "stage": request.args.get("stage") if request.args.get("stage") in tuple(Stage) else None,
        "text": (request.args.get("q") or "").strip()[:100] or None,
    }
    page = visible_assessments(current_user, page=request.args.get("page", 1, type=int), **filters)
    return render_template(
        "dashboard/index.html",
        page=page,
        assessments=page.items,
        filters=filters,
        stages=list(Stage),
        issued=latest_issues(page.items),
        units=units,
        can_create=may_anywhere(current_user, Action.CREATE),
        can_import=may_anywhere(current_user, Action.IMPORT),
        creatable={u.id for u in units if may(current_user, Action.CREATE, u.id)},
        setup=setup_steps(current_user) if is_admin(current_user) else None,
    )
