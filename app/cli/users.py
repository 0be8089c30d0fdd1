"""``flask users create`` and ``flask users bootstrap``."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.models import ROLES, Unit
from app.services.users import UserError, bootstrap_admin, create_user

group = AppGroup("users", help="Manage users.")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


@group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.option("--unit", "unit_codes", multiple=True, help="Unit code; repeat for several units.")
@click.option("--name", default="", help="Full name shown in the app and reports.")
def create(email: str, role: str, unit_codes: tuple[str, ...], name: str) -> None:
    """Create a user; the password comes from a prompt, or from the first line of stdin."""
    units = []
    for code in unit_codes:
        unit = db.session.scalar(select(Unit).where(Unit.code == code.upper()))
        if unit is None:
            raise click.ClickException(f"no unit with code {code}; create it with 'flask units create'")
        units.append(unit)
    if role in ("unit_head", "assessor", "viewer", "expert") and not units:
        click.echo(f"note: a {role} without a unit sees nothing until given one", err=True)
    try:
        user = create_user(email, _read_password(), role, name, units)
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {user.email} ({user.role}){' for ' + ', '.join(u.code for u in units) if units else ''}")


@group.command("bootstrap")
def bootstrap() -> None:
    """Create the first administrator with a random password, shown once; no-op once users exist."""
    created = bootstrap_admin()
    if created is None:
        return
    user, password = created
    click.echo("")
    click.echo("  First administrator created. Sign in at http://127.0.0.1:5000 with")
    click.echo(f"    email:    {user.email}")
    click.echo(f"    password: {password}")
    click.echo("  This password is shown only once: note it now.")
    click.echo("")


def register(app: Flask) -> None:
    app.cli.add_command(group)
