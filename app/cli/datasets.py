"""``flask export dataset ROUND -o DIR [--anonymise]``: a round's results as CSV with a Frictionless datapackage.json."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.cli.output import echo, field
from app.extensions import db
from app.services.programme.dataset import PACKAGE_FILE, DatasetRefused, build_dataset, write_dataset
from app.services.programme.programmes import ProgrammeError, find_round

group = AppGroup("export", help="Data sets across a programme's units, for the programme's own tools and its partners.")


@group.command("dataset")
@click.argument("round_label", metavar="ROUND")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(),
    help="Folder to write (made if missing; empty or an earlier export).",
)
@click.option("--anonymise", is_flag=True, help="Units as letters A, B, ...; no name, code, jurisdiction or id.")
def dataset(round_label: str, output: str, anonymise: bool) -> None:
    """Write a round's results as CSV tables with a Frictionless datapackage.json."""
    try:
        found = find_round(round_label)
        built = build_dataset(found, anonymise=anonymise)
        write_dataset(built, output)
    except (ProgrammeError, DatasetRefused) as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    echo(
        f"Wrote {Path(output) / PACKAGE_FILE} and {built.tables} tables "
        f"({built.units} units, round {field(found.name)}, {built.form})"
    )


def register(app: Flask) -> None:
    app.cli.add_command(group)
