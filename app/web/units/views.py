"""Unit pages: the list, one unit with its SOP register, and register changes."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.extensions import db
from app.models import Sop, Unit
from app.services.accounts.users import UserError, create_unit, set_unit_profile
from app.services.assessment.access import Action, is_admin, may, visible_units_clause
from app.services.assessment.assessments import visible_assessments
from app.services.content.jurisdictions import profile, profile_choices, profile_of
from app.services.content.sop_documents import imported_versions
from app.services.content.sops import SopError, add_sop, delete_sop, register_of, update_sop
from app.web.decisions import ADMIN, SIGNED_IN, on_unit, requires
from app.web.guards import require_admin, unit_for
from app.web.units.forms import SopForm, SopImportForm, UnitForm

bp = Blueprint("units", __name__, url_prefix="/units")


@bp.get("/")
@requires(SIGNED_IN)
def index():
    """The units the current user works with."""
    units = db.session.scalars(
        select(Unit).where(visible_units_clause(current_user, Unit.id)).order_by(Unit.code)
    ).all()
    return render_template(
        "units/index.html",
        units=units,
        sop_counts=_sop_counts(),
        form=UnitForm(profiles=profile_choices()) if is_admin(current_user) else None,
    )


def _sop_counts() -> dict[int, int]:
    """How many documents each unit's register holds, in one query."""
    return dict(db.session.execute(select(Sop.unit_id, func.count(Sop.id)).group_by(Sop.unit_id)).all())


@bp.post("/")
@requires(ADMIN)
def create():
    """Add a unit (administrators)."""
    require_admin()
    form = UnitForm(profiles=profile_choices())
    if form.validate_on_submit():
        try:
            unit = create_unit(
                form.code.data, form.name.data, form.jurisdiction.data or "", profile(form.jurisdiction_code.data)
            )
        except UserError as exc:
            form.code.errors.append(str(exc))
        else:
            flash(_("Unit %(code)s created.", code=unit.code), "success")
            return redirect(url_for("units.show", code=unit.code))
    units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    return render_template("units/index.html", units=units, sop_counts=_sop_counts(), form=form), 400


@bp.get("/<code>")
@requires(on_unit(Action.VIEW))
def show(code: str):
    """A unit: its SOP register and its assessments."""
    unit = unit_for(code)
    return _unit_page(unit, SopForm() if may(current_user, Action.MANAGE_SOPS, unit.id) else None)


def _unit_page(unit: Unit, form: SopForm | None, status: int = 200, import_form: SopImportForm | None = None):
    page = visible_assessments(current_user, unit_code=unit.code, page=request.args.get("page", 1, type=int))
    manages = may(current_user, Action.MANAGE_SOPS, unit.id)
    html = render_template(
        "units/show.html",
        unit=unit,
        page=page,
        assessments=page.items,
        register=register_of(unit),
        imported=imported_versions(unit.id),
        form=form or (SopForm(formdata=None) if manages and import_form is not None else None),
        import_form=import_form or (SopImportForm(formdata=None) if manages else None),
        can_create=may(current_user, Action.CREATE, unit.id),
        profile=profile_of(unit),
        profile_choices=profile_choices() if is_admin(current_user) else None,
    )
    return html, status


@bp.post("/<code>/jurisdiction")
@requires(ADMIN)
def set_jurisdiction(code: str):
    """Give the unit another jurisdiction profile, or none (administrators)."""
    require_admin()
    unit = unit_for(code)
    chosen = (request.form.get("jurisdiction_code") or "").strip()
    found = profile(chosen) if chosen else None
    if chosen and found is None:
        flash(_("There is no jurisdiction profile '%(code)s': the unit keeps its profile.", code=chosen[:20]), "error")
        return _unit_page(unit, SopForm() if may(current_user, Action.MANAGE_SOPS, unit.id) else None, 400)
    set_unit_profile(unit, found)
    flash(
        _("Unit %(code)s now follows the jurisdiction profile %(profile)s.", code=unit.code, profile=found.code)
        if found
        else _("Unit %(code)s has no jurisdiction profile now.", code=unit.code),
        "success",
    )
    return redirect(url_for("units.show", code=unit.code))


@bp.post("/<code>/sops")
@requires(on_unit(Action.MANAGE_SOPS))
def add_sop_entry(code: str):
    """Register an SOP."""
    unit = unit_for(code, Action.MANAGE_SOPS)
    form = SopForm()
    if form.validate_on_submit():
        try:
            add_sop(
                unit, form.code.data, form.title.data, form.version.data, form.issued_on.data, form.notes.data or ""
            )
        except SopError as exc:
            form.code.errors.append(str(exc))
        else:
            flash(_("SOP %(code)s added to the register.", code=form.code.data), "success")
            return redirect(url_for("units.show", code=unit.code, _anchor="sops"))
    return _unit_page(unit, form, 400)


def _sop_of(unit: Unit, sop_id: int) -> Sop:
    sop = db.session.get(Sop, sop_id)
    if sop is None or sop.unit_id != unit.id:
        abort(404)
    return sop


@bp.route("/<code>/sops/<int:sop_id>/edit", methods=["GET", "POST"])
@requires(on_unit(Action.MANAGE_SOPS))
def edit_sop(code: str, sop_id: int):
    """Change an SOP's register entry."""
    unit = unit_for(code, Action.MANAGE_SOPS)
    sop = _sop_of(unit, sop_id)
    form = SopForm(obj=sop)
    if form.validate_on_submit():
        try:
            update_sop(
                sop, form.code.data, form.title.data, form.version.data, form.issued_on.data, form.notes.data or ""
            )
        except SopError as exc:
            form.code.errors.append(str(exc))
        else:
            flash(_("SOP %(code)s updated.", code=sop.code), "success")
            return redirect(url_for("units.show", code=unit.code, _anchor="sops"))
    return render_template("units/sop_edit.html", unit=unit, sop=sop, form=form), 400 if form.errors else 200


@bp.post("/<code>/sops/<int:sop_id>/delete")
@requires(on_unit(Action.MANAGE_SOPS))
def remove_sop(code: str, sop_id: int):
    """Take an SOP off the register, unless responses cite it."""
    unit = unit_for(code, Action.MANAGE_SOPS)
    sop = _sop_of(unit, sop_id)
    try:
        delete_sop(sop)
    except SopError as exc:
        flash(str(exc), "error")
    else:
        flash(_("SOP removed from the register."), "success")
    return redirect(url_for("units.show", code=unit.code, _anchor="sops"))
