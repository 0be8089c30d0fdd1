"""``flask installations this|list|trust|untrust``: whose signed packages may bring their review here."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.cli.output import echo, field
from app.extensions import db
from app.services.exchange.packages import this_installation
from app.services.exchange.signing import fingerprint, own_public_key
from app.services.exchange.trust import TrustError, trust_installation, trusted_installations, untrust_installation

group = AppGroup("installations", help="This installation's signing key, and the installations trusted here.")


@group.command("this")
def this() -> None:
    """This installation's id, name, public key and fingerprint: what another installation needs to trust it."""
    here = this_installation()
    key = own_public_key()
    echo(f"id: {here['id']}")
    echo(f"name: {here['name']}")
    echo(f"public key: {key}")
    echo(f"fingerprint: {fingerprint(key)}")


@group.command("list")
def list_trusted() -> None:
    """One line each: installation id, fingerprint, added, name."""
    for trusted in trusted_installations():
        added = trusted.added_at.strftime("%Y-%m-%d")
        echo(f"{trusted.installation_id}\t{fingerprint(trusted.public_key)}\t{added}\t{field(trusted.name)}")


@group.command("trust")
@click.argument("installation_id")
@click.option("--name", required=True, help="What people here call it.")
@click.option(
    "--key", "public_key", required=True, help="Its public key, as 'flask installations this' prints it there."
)
@click.option("--yes", is_flag=True, help="Do not ask: the fingerprint was compared already.")
def trust(installation_id: str, name: str, public_key: str, yes: bool) -> None:
    """Trust another installation: the review its signed packages carry is kept, as reported by it."""
    try:
        print_ = fingerprint(public_key)
    except ValueError:
        raise click.ClickException("that is not a public key: 44 characters of base64 ending in '='") from None
    if not yes:
        echo(f"Fingerprint: {print_}")
        click.confirm("Is it the fingerprint its administrator reads to you?", abort=True)
    try:
        trusted = trust_installation(installation_id, name, public_key, None)
    except TrustError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    echo(f"Trusted {trusted.name} ({trusted.installation_id}), key {print_}")


@group.command("untrust")
@click.argument("installation_id")
def untrust(installation_id: str) -> None:
    """Remove an installation from the list; copies imported before keep what they were imported with."""
    try:
        removed = untrust_installation(installation_id, None)
    except TrustError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    echo(f"No longer trusted: {removed.name} ({removed.installation_id})")


def register(app: Flask) -> None:
    app.cli.add_command(group)
