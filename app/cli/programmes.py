"""``flask programmes create|add-unit|add-member|list`` and ``flask rounds create|list``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from app.cli.assessments import user_by_email
from app.cli.output import echo, field
from app.extensions import db
from app.models import Programme, Unit
from app.services.programme.programmes import (
    ProgrammeError,
    add_member,
    add_unit,
    assessments_in_round,
    create_programme,
    create_round,
    find_programme,
)

programmes = AppGroup("programmes", help="Regional programmes: the units assessed together, round after round.")
rounds = AppGroup("rounds", help="The rounds of a regional programme (2026, 2027, ...).")


def _programme(name: str) -> Programme:
    try:
        return find_programme(name)
    except ProgrammeError as exc:
        raise click.ClickException(str(exc)) from None


@programmes.command("create")
@click.argument("name")
def create(name: str) -> None:
    """Create a programme; prints "Created programme ID: NAME"."""
    try:
        programme = create_programme(name)
    except ProgrammeError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    echo(f"Created programme {programme.id}: {field(programme.name)}")


@programmes.command("add-unit")
@click.argument("programme_name", metavar="PROGRAMME")
@click.argument("unit_code")
def add_unit_command(programme_name: str, unit_code: str) -> None:
    """Add a unit to a programme."""
    programme = _programme(programme_name)
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code.strip().upper()))
    if unit is None:
        raise click.ClickException(f"no unit {unit_code}; 'flask units create' adds one")
    added = add_unit(programme, unit)
    db.session.commit()
    said = "Added" if added else "Already in the programme:"
    echo(f"{said} {unit.code} ({field(unit.name)}) in {field(programme.name)}: {len(programme.units)} units")


@programmes.command("add-member")
@click.argument("programme_name", metavar="PROGRAMME")
@click.argument("email")
def add_member_command(programme_name: str, email: str) -> None:
    """Assign programme staff or an expert to a programme: they see its units' assessments."""
    programme = _programme(programme_name)
    person = user_by_email(email)
    try:
        added = add_member(programme, person)
    except ProgrammeError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    said = "Assigned" if added else "Already assigned:"
    echo(f"{said} {person.email} ({person.role}) to {field(programme.name)}")


@programmes.command("list")
def list_programmes() -> None:
    """One line each: id, name, units, rounds."""
    for programme in db.session.scalars(select(Programme).order_by(Programme.name)):
        units = ",".join(u.code for u in programme.units) or "-"
        labels = ",".join(r.label for r in programme.rounds) or "-"
        echo(f"{programme.id}\t{field(programme.name)}\tunits: {units}\trounds: {field(labels)}")


@rounds.command("create")
@click.argument("programme_name", metavar="PROGRAMME")
@click.argument("label")
def create_round_command(programme_name: str, label: str) -> None:
    """Create a round of a programme; prints "Created round ID: PROGRAMME, round LABEL"."""
    programme = _programme(programme_name)
    try:
        found = create_round(programme, label)
    except ProgrammeError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    echo(f"Created round {found.id}: {field(found.name)}")


@rounds.command("list")
@click.argument("programme_name", metavar="PROGRAMME")
def list_rounds(programme_name: str) -> None:
    """One line each: id, label, assessments in the round."""
    programme = _programme(programme_name)
    for found in programme.rounds:
        echo(f"{found.id}\t{field(found.label)}\t{len(assessments_in_round(found))} assessments")


def register(app: Flask) -> None:
    app.cli.add_command(programmes)
    app.cli.add_command(rounds)
