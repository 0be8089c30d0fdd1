"""Programme and round pages: which units, which people, which rounds, where each unit stands."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Programme
from app.services.assessment.access import ProgrammeAction, may_programme, visible_programmes_clause
from app.services.assessment.assessments import ensure_scores
from app.services.programme.round_results import round_results
from app.web.decisions import SIGNED_IN, on_programme, requires
from app.web.guards import programme_for, round_for
from app.web.programmes.management import ManageForms

bp = Blueprint("programmes", __name__)


@bp.get("/programmes")
@requires(SIGNED_IN)
def index():
    """The programmes the user runs or is assigned to (every programme for an administrator)."""
    programmes = db.session.scalars(
        select(Programme)
        .where(visible_programmes_clause(current_user, Programme.id))
        .options(selectinload(Programme.units), selectinload(Programme.rounds))
        .order_by(Programme.name)
    ).all()
    return render_template("programmes/index.html", programmes=programmes)


@bp.get("/programmes/<int:programme_id>")
@requires(on_programme(ProgrammeAction.VIEW))
def show(programme_id: int):
    """A programme: its units, its people and its rounds (and, for an administrator, the forms to add to them)."""
    return programme_page(programme_for(programme_id))


def programme_page(programme: Programme, forms: ManageForms | None = None, status: int = 200):
    """The programme's page; ``forms`` as submitted, with their errors, after a refused change."""
    manage = may_programme(current_user, ProgrammeAction.MANAGE, programme)
    return (
        render_template(
            "programmes/show.html",
            programme=programme,
            staff=[p for p in programme.members if p.role == "programme_staff"],
            experts=[p for p in programme.members if p.role == "expert"],
            forms=(forms or ManageForms.for_programme(programme)) if manage else None,
        ),
        status,
    )


@bp.get("/rounds/<int:round_id>")
@requires(on_programme(ProgrammeAction.VIEW))
def round_page(round_id: int):
    """A round: each unit of the programme with the assessment that stands for it, and what to read next."""
    found = round_for(round_id)
    entries = round_results(found)
    ensure_scores([e.assessment for e in entries if e.assessment is not None])
    return render_template(
        "programmes/round.html",
        round=found,
        programme=found.programme,
        entries=entries,
        may_regional=may_programme(current_user, ProgrammeAction.REGIONAL, found.programme),
        may_anonymised=may_programme(current_user, ProgrammeAction.ANONYMISED, found.programme),
        may_dataset=may_programme(current_user, ProgrammeAction.DATASET, found.programme),
    )
