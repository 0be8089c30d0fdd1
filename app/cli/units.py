"""``flask units create``."""

import click
from flask import Flask
from flask.cli import AppGroup

from app.cli.output import echo
from app.services.accounts.users import UserError, create_unit

group = AppGroup("units", help="Manage CSI units.")


@group.command("create")
@click.argument("code")
@click.argument("name")
@click.option("--jurisdiction", required=True, help="The jurisdiction the unit serves.")
def create(code: str, name: str, jurisdiction: str) -> None:
    """Create a CSI unit."""
    try:
        unit = create_unit(code, name, jurisdiction)
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    echo(f"Created unit {unit.code}: {unit.name} ({unit.jurisdiction})")


def register(app: Flask) -> None:
    app.cli.add_command(group)
