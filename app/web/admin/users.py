"""Administration of accounts: create, edit name, role and units, reset a password, disable, enable."""

from __future__ import annotations

import time

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from app.extensions import db
from app.models import Unit, User
from app.services.accounts.audit import record
from app.services.accounts.users import UserError, create_user, reset_password, set_active, update_user
from app.web.admin.forms import NewUserForm, PersonForm
from app.web.admin.views import bp
from app.web.auth import second_factor
from app.web.decisions import ADMIN, requires


def _with_units(form: PersonForm) -> PersonForm:
    form.units.choices = [
        SelectChoice(u.id, f"{u.code} — {u.name}") for u in db.session.scalars(select(Unit).order_by(Unit.code))
    ]
    return form


def _units(ids: list[int]) -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)))) if ids else []


@bp.route("/users", methods=["GET", "POST"])
@requires(ADMIN)
def users():
    """Every account, and a form to add one (with a temporary password shown once)."""
    form = _with_units(NewUserForm())
    if form.validate_on_submit():
        try:
            user, temporary = create_user(
                form.email.data, None, form.role.data, form.name.data, _units(form.units.data)
            )
        except UserError as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            db.session.commit()
            return render_template("admin/password_given.html", person=user, password=temporary, created=True)
    people = db.session.scalars(select(User).options(selectinload(User.units)).order_by(User.email)).all()
    return render_template("admin/users.html", users=people, form=form), 400 if form.errors else 200


def _person(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(ADMIN)
def edit_user(user_id: int):
    """Change a person's name, role and units; a new role or units end their sessions."""
    person = _person(user_id)
    form = _with_units(PersonForm(obj=person) if not PersonForm().is_submitted() else PersonForm())
    if not form.is_submitted():
        form.units.data = [u.id for u in person.units]
    if form.validate_on_submit():
        rights_change = form.role.data != person.role or set(form.units.data or []) != {u.id for u in person.units}
        if person.id == current_user.id and form.role.data != "admin":
            form.role.errors.append(_("You cannot take Administrator away from yourself; ask another administrator."))
        elif rights_change and (refusal := _second_factor_refusal(form.second_factor_code.data)):
            form.second_factor_code.errors.append(refusal)
        else:
            try:
                before, after = update_user(
                    person, name=form.name.data, role=form.role.data, units=_units(form.units.data)
                )
            except UserError as exc:
                db.session.rollback()
                form.role.errors.append(str(exc))
            else:
                if after:
                    record(
                        "user.changed",
                        object_type="user",
                        object_id=person.id,
                        summary=person.email,
                        before=before,
                        after=after,
                    )
                db.session.commit()
                flash(_("%(email)s saved.", email=person.email), "success")
                return redirect(url_for("admin.users"))
    return render_template(
        "admin/user.html", person=person, form=form, ask_code=not second_factor.recent()
    ), 400 if form.errors else 200


def _second_factor_refusal(code: str | None) -> str | None:
    """Why a change of rights may not be made yet: no recent code, and none right given with it; None if it may."""
    if second_factor.recent():
        return None
    if not code:
        return _("A change of role or units needs the code your authenticator app shows now.")
    check = second_factor.take_code(current_user._get_current_object(), code)
    if check.wait is not None:
        return _("Too many wrong codes. Try again in a few minutes; your changes are kept in the form.")
    if check.verified is None:
        return str(second_factor.WRONG_CODE)
    session["second_factor_at"] = time.time()
    return None


@bp.post("/users/<int:user_id>/reset")
@requires(ADMIN)
def reset_user_password(user_id: int):
    """A temporary password, shown once; the person must replace it at the next sign-in."""
    person = _person(user_id)
    temporary = reset_password(person)
    record("auth.password_reset", object_type="user", object_id=person.id, summary=person.email)
    db.session.commit()
    return render_template("admin/password_given.html", person=person, password=temporary, created=False)


@bp.post("/users/<int:user_id>/sign-out")
@requires(ADMIN)
def end_user_sessions(user_id: int):
    """Sign the person out on every computer (a lost laptop, a shared one left signed in)."""
    person = _person(user_id)
    person.end_sessions()
    record("user.signed_out", object_type="user", object_id=person.id, summary=person.email)
    db.session.commit()
    flash(_("%(email)s is signed out everywhere.", email=person.email), "success")
    if person.id == current_user.id:
        return redirect(url_for("auth.login"))
    return redirect(url_for("admin.edit_user", user_id=person.id))


@bp.post("/users/<int:user_id>/disable")
@requires(ADMIN)
def disable_user(user_id: int):
    """Disable an account: it cannot sign in, and its sessions end."""
    person = _person(user_id)
    if person.id == current_user.id:
        flash(_("You cannot disable your own account."), "error")
        return redirect(url_for("admin.edit_user", user_id=person.id))
    set_active(person, False)
    db.session.commit()
    flash(_("%(email)s is disabled and signed out.", email=person.email), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/enable")
@requires(ADMIN)
def enable_user(user_id: int):
    """Enable a disabled account again."""
    person = _person(user_id)
    set_active(person, True)
    db.session.commit()
    flash(_("%(email)s can sign in again.", email=person.email), "success")
    return redirect(url_for("admin.users"))
