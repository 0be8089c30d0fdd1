"""Administration views: users and checklist versions."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from app.extensions import db
from app.models import ChecklistVersion
from app.web.decisions import ADMIN, requires
from app.web.guards import require_admin

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _admins_only() -> None:
    require_admin()


@bp.get("/checklists")
@requires(ADMIN)
def checklists():
    """Checklist versions loaded in this installation."""
    versions = db.session.scalars(
        select(ChecklistVersion).order_by(ChecklistVersion.checklist_id, ChecklistVersion.loaded_at)
    ).all()
    return render_template("admin/checklists.html", versions=versions)
