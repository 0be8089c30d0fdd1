"""An administrator sets a programme up: creates it, adds units, assigns people, opens rounds."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models import Unit, User
from app.services.assessment.access import ProgrammeAction
from app.services.programme.programmes import ProgrammeError, add_member, add_unit, create_programme, create_round
from app.web.decisions import ADMIN, on_programme, requires
from app.web.guards import programme_for, require_admin
from app.web.programmes.forms import ProgrammeForm, ProgrammeMemberForm, ProgrammeUnitForm, RoundForm
from app.web.programmes.management import ManageForms
from app.web.programmes.views import bp, programme_page


@bp.route("/programmes/new", methods=["GET", "POST"])
@requires(ADMIN)
def new():
    """Create a programme."""
    require_admin()
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            programme = create_programme(form.name.data, current_user)
        except ProgrammeError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Programme created. Add its units, its people and its first round."), "success")
            return redirect(url_for("programmes.show", programme_id=programme.id))
    return render_template("programmes/new.html", form=form), 400 if form.errors else 200


@bp.post("/programmes/<int:programme_id>/units")
@requires(on_programme(ProgrammeAction.MANAGE))
def add_unit_view(programme_id: int):
    """Add a unit to the programme."""
    programme = programme_for(programme_id, ProgrammeAction.MANAGE)
    form = ProgrammeUnitForm(prefix="unit")
    forms = ManageForms.for_programme(programme, unit=form)
    if not form.validate_on_submit():
        return programme_page(programme, forms, 400)
    add_unit(programme, db.session.get(Unit, form.unit.data), current_user)
    db.session.commit()
    flash(_("Unit added: the programme's staff and experts now see its assessments."), "success")
    return redirect(url_for("programmes.show", programme_id=programme.id))


@bp.post("/programmes/<int:programme_id>/members")
@requires(on_programme(ProgrammeAction.MANAGE))
def add_member_view(programme_id: int):
    """Assign programme staff or an expert to the programme."""
    programme = programme_for(programme_id, ProgrammeAction.MANAGE)
    form = ProgrammeMemberForm(prefix="member")
    forms = ManageForms.for_programme(programme, member=form)
    if not form.validate_on_submit():
        return programme_page(programme, forms, 400)
    try:
        add_member(programme, db.session.get(User, form.person.data), current_user)
    except ProgrammeError as exc:
        db.session.rollback()
        form.person.errors = [str(exc)]
        return programme_page(programme, forms, 400)
    db.session.commit()
    flash(_("Assigned: they now see the assessments of every unit of the programme."), "success")
    return redirect(url_for("programmes.show", programme_id=programme.id))


@bp.post("/programmes/<int:programme_id>/rounds")
@requires(on_programme(ProgrammeAction.MANAGE))
def add_round_view(programme_id: int):
    """Open a round of the programme."""
    programme = programme_for(programme_id, ProgrammeAction.MANAGE)
    form = RoundForm(prefix="round")
    forms = ManageForms.for_programme(programme, round=form)
    if form.validate_on_submit():
        try:
            found = create_round(programme, form.label.data, current_user)
        except ProgrammeError as exc:
            db.session.rollback()
            form.label.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("Round %(label)s opened.", label=found.label), "success")
            return redirect(url_for("programmes.round_page", round_id=found.id))
    return programme_page(programme, forms, 400)
