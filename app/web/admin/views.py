"""Administration views: users and checklist versions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from app.extensions import db
from app.models import ChecklistVersion, Unit, User
from app.services.users import UserError, create_user
from app.web.admin.forms import UserForm
from app.web.guards import require_admin

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _admins_only() -> None:
    require_admin()


def _user_form() -> UserForm:
    form = UserForm()
    form.units.choices = [
        SelectChoice(u.id, f"{u.code} — {u.name}") for u in db.session.scalars(select(Unit).order_by(Unit.code))
    ]
    return form


@bp.route("/users", methods=["GET", "POST"])
def users():
    """List users and add one."""
    form = _user_form()
    status = 200
    if form.validate_on_submit():
        units = [db.session.get(Unit, uid) for uid in form.units.data]
        try:
            user = create_user(form.email.data, form.password.data, form.role.data, form.name.data, units)
        except UserError as exc:
            form.email.errors.append(str(exc))
        else:
            flash(_("User %(email)s created.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    if form.errors:
        status = 400
    people = db.session.scalars(select(User).options(selectinload(User.units)).order_by(User.email)).all()
    return render_template("admin/users.html", users=people, form=form), status


@bp.get("/checklists")
def checklists():
    """Checklist versions loaded in this installation."""
    versions = db.session.scalars(
        select(ChecklistVersion).order_by(ChecklistVersion.checklist_id, ChecklistVersion.loaded_at)
    ).all()
    return render_template("admin/checklists.html", versions=versions)
