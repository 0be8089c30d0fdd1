"""``flask assessments list``."""

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Assessment

group = AppGroup("assessments", help="Inspect assessments.")


@group.command("list")
def list_assessments() -> None:
    """One line each: id, unit code, checklist@version, status, title."""
    query = (
        select(Assessment)
        .options(selectinload(Assessment.unit), selectinload(Assessment.checklist_version))
        .order_by(Assessment.id)
    )
    for a in db.session.scalars(query):
        click.echo(f"{a.id}\t{a.unit.code}\t{a.checklist_version.ref}\t{a.status}\t{a.title}")


def register(app: Flask) -> None:
    app.cli.add_command(group)
