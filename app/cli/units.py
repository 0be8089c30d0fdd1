"""``flask units create|set-jurisdiction``."""

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from app.cli.output import echo
from app.domain.jurisdictions import ProfileInvalid
from app.extensions import db
from app.models import Unit
from app.services.accounts.users import UserError, create_unit, set_unit_profile
from app.services.content.jurisdictions import profile, profiles

group = AppGroup("units", help="Manage CSI units.")


@group.command("create")
@click.argument("code")
@click.argument("name")
@click.option("--jurisdiction", default="", help="The jurisdiction the unit serves, as free text.")
@click.option(
    "--jurisdiction-code",
    default=None,
    help="Its jurisdiction profile (flask jurisdictions list): zone, currency, laws, applicability.",
)
def create(code: str, name: str, jurisdiction: str, jurisdiction_code: str | None) -> None:
    """Create a CSI unit (give --jurisdiction, --jurisdiction-code or both)."""
    chosen = _profile(jurisdiction_code) if jurisdiction_code else None
    if chosen is None and not jurisdiction.strip():
        raise click.ClickException("give --jurisdiction TEXT or --jurisdiction-code CODE")
    try:
        unit = create_unit(code, name, jurisdiction, chosen)
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    suffix = f", profile {unit.jurisdiction_code}" if unit.jurisdiction_code else ""
    echo(f"Created unit {unit.code}: {unit.name} ({unit.jurisdiction}{suffix})")


@group.command("set-jurisdiction")
@click.argument("code")
@click.argument("jurisdiction_code")
def set_jurisdiction(code: str, jurisdiction_code: str) -> None:
    """Give unit CODE the jurisdiction profile JURISDICTION_CODE ("none" takes it away)."""
    unit = db.session.scalar(select(Unit).where(Unit.code == code.strip()))
    if unit is None:
        raise click.ClickException(f"no unit {code}")
    chosen = None if jurisdiction_code.strip().lower() == "none" else _profile(jurisdiction_code)
    set_unit_profile(unit, chosen)
    echo(f"Unit {unit.code}: jurisdiction profile {unit.jurisdiction_code or 'none'}")


def _profile(jurisdiction_code: str):
    try:
        chosen = profile(jurisdiction_code.strip())
    except ProfileInvalid as exc:
        raise click.ClickException(f"the jurisdiction profiles are invalid: {exc.problems[0]}") from None
    if chosen is None:
        known = ", ".join(profiles()) or "none"
        raise click.ClickException(f"no jurisdiction profile {jurisdiction_code} (known: {known})")
    return chosen


def register(app: Flask) -> None:
    app.cli.add_command(group)
